/** A few organisations of the demo registry with fresh in-memory keys, for tests without a server. */
import type { Organisation } from "@schakel/contracts";
import { testOrganisations, type TestOrganisations } from "@schakel/contracts/bus/testing";

export const ORGANISATIONS: Organisation[] = [
  { id: "fed-ocam", name: "OCAM / CUTA (threat assessment)", level: "federal", roles: ["liaison"] },
  { id: "mechelen", name: "Stad Mechelen", level: "local", roles: ["municipality", "livc-partner"] },
  { id: "vilvoorde", name: "Stad Vilvoorde", level: "local", roles: ["municipality", "livc-partner"] },
  { id: "vpr", name: "Vlaams Platform Radicalisering", level: "flemish", roles: ["platform", "liaison"] },
];

export const organisations = (): TestOrganisations => testOrganisations(ORGANISATIONS);

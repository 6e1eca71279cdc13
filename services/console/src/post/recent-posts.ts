/**
 * The notices this console posted lately. The console's pages read the record through its feed,
 * which may lag behind a post by seconds on a busy machine; the page a poster is sent to after
 * posting asks here, so it says "sent, still on its way" and looks again by itself, instead of
 * "not found" for a notice that the bus has stored.
 */
export interface RecentPost {
  noticeId: string;
  /** The posting organisation: only its persons are shown the pending page. */
  from: string;
  title: string;
  /** When the bus acknowledged it to this console (ms since the epoch). */
  at: number;
}

/** How long a post is remembered: past that, the feed is stuck and "not found" says so. */
const KEEP_MS = 120_000;
/** At most this many are kept (the oldest are forgotten first). */
const MAX_POSTS = 512;

export class RecentPosts {
  private readonly posts = new Map<string, RecentPost>();

  constructor(private readonly keepMs = KEEP_MS, private readonly max = MAX_POSTS) {}

  remember(post: RecentPost): void {
    this.posts.delete(post.noticeId);
    this.posts.set(post.noticeId, post);
    while (this.posts.size > this.max) this.posts.delete(this.posts.keys().next().value!);
  }

  /** The post `noticeId`, when `organisation` sent it through this console within the last two minutes. */
  pending(noticeId: string, organisation: string, now = Date.now()): RecentPost | undefined {
    const post = this.posts.get(noticeId);
    if (!post) return undefined;
    if (now - post.at > this.keepMs) {
      this.posts.delete(noticeId);
      return undefined;
    }
    return post.from === organisation ? post : undefined;
  }
}

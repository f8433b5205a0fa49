package sqldb

// QueueLen returns how many calls wait in g's queue, so that tests can tell
// when their calls are queued behind a busy committer.
func QueueLen(g *Group) int { return len(g.queue) }

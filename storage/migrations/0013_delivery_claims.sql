-- Claims: a process takes a row before it sends it, so one process or several never send
-- the same row twice. ``claimed_by`` names the process; while a row is claimed its
-- ``next_attempt_at`` is the end of the lease, after which another process may take it over
-- (checking the channel for the post first, as the send may have landed).
ALTER TABLE deliveries ADD COLUMN claimed_by TEXT;

-- Each channel's queue in order: the worker takes the oldest row of every channel in turn.
CREATE INDEX deliveries_queue_by_channel ON deliveries (channel_id, id)
    WHERE status IN ('pending', 'sending');
CREATE INDEX deliveries_edits_by_channel ON deliveries (channel_id, id) WHERE edit_pending = 1;

-- When posting last paused because the news channel failed (to the microsecond; the posts it
-- failed carry the same time) and the newest outbox row then: catching up afterwards
-- requeues only what that failure held back, never what a moderator's own pause skipped.
ALTER TABLE guild_settings ADD COLUMN paused_at TEXT;
ALTER TABLE guild_settings ADD COLUMN paused_after_delivery INTEGER;

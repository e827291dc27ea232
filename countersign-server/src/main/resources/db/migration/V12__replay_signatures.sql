-- Motion signatures of earlier liveness submissions per user (X.1279 App. III item 4): a quantised trace of pose
-- and eye/mouth ratios, 12 bytes a frame, compared with each new capture to refuse re-encoded replays.
create table remote_replay_signatures (
    id        bigserial primary key,
    subject   text not null,
    signature bytea not null,
    seen_at   timestamptz not null
);
create index remote_replay_signatures_subject on remote_replay_signatures (subject, seen_at desc);
create index remote_replay_signatures_seen on remote_replay_signatures (seen_at);

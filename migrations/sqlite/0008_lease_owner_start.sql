-- When the lease's owner process started (/proc/<pid>/stat field 22, clock
-- ticks after boot; NULL when unknown): on the owner's host, a lease whose
-- pid is gone or now belongs to a process started at another time is
-- taken over at once instead of after it expires.
ALTER TABLE session_leases ADD COLUMN owner_start INTEGER;

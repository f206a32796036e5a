-- A notice is the requester's: keyed by who sent it and the order's id, so that no other node can
-- take an order's id first and have the real notice ignored.
ALTER TABLE request_notifications DROP CONSTRAINT request_notifications_pkey;
ALTER TABLE request_notifications ADD PRIMARY KEY (requester, request_id);

CREATE TABLE users (
  id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  username       text NOT NULL,
  display_name   text NOT NULL,
  email          text,
  password_hash  text NOT NULL,
  totp_secret    text,
  totp_enabled   boolean NOT NULL DEFAULT false,
  totp_last_step bigint,
  disabled       boolean NOT NULL DEFAULT false,
  created_at     timestamptz NOT NULL DEFAULT now(),
  updated_at     timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX users_username ON users (lower(username));

CREATE TABLE user_roles (
  user_id    uuid NOT NULL REFERENCES users (id),
  role       text NOT NULL,
  granted_at timestamptz NOT NULL DEFAULT now(),
  granted_by uuid REFERENCES users (id),
  PRIMARY KEY (user_id, role)
);

-- Only a digest of each token is kept: a copy of this table opens no session.
CREATE TABLE sessions (
  token_digest bytea PRIMARY KEY,
  user_id      uuid NOT NULL REFERENCES users (id),
  kind         text NOT NULL CHECK (kind IN ('cookie', 'bearer')),
  csrf_token   text NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  expires_at   timestamptz NOT NULL,
  revoked_at   timestamptz
);
CREATE INDEX sessions_user ON sessions (user_id);

-- Failed sign-ins counted by the name tried, whether or not an account has it, so that
-- the lock-out answers alike for every name and reveals nothing about which ones exist.
CREATE TABLE login_throttle (
  username_key    text PRIMARY KEY,
  failures        integer NOT NULL,
  locked_until    timestamptz,
  last_failure_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX login_throttle_last_failure ON login_throttle (last_failure_at);

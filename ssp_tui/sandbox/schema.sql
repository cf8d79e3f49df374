-- The sandbox portal's database. Ids are opaque random strings (see ids.py); money is integer cents;
-- dates are ISO-8601 text (YYYY-MM-DD), instants ISO-8601 UTC text with 'Z'. Booleans are 0/1.
PRAGMA foreign_keys = ON;

CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
-- keys: schema_version, seed, scale, today (the date the data was generated around)

CREATE TABLE agencies (
    id TEXT PRIMARY KEY, name TEXT NOT NULL, city TEXT NOT NULL, state TEXT NOT NULL
);

-- A customer account: the policyholder organisation or physician that owns policies and billing accounts.
CREATE TABLE customers (
    id TEXT PRIMARY KEY, name TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('physician', 'group', 'facility')),
    agency_id TEXT REFERENCES agencies(id),
    address TEXT NOT NULL, city TEXT NOT NULL, state TEXT NOT NULL, zip TEXT NOT NULL  -- the mailing address
);

CREATE TABLE insureds (
    id TEXT PRIMARY KEY, customer_id TEXT NOT NULL REFERENCES customers(id),
    name TEXT NOT NULL, credentials TEXT NOT NULL, specialty TEXT NOT NULL, npi TEXT NOT NULL,
    claims_history_available INTEGER NOT NULL DEFAULT 1
);

CREATE TABLE users (
    id TEXT PRIMARY KEY, username TEXT NOT NULL UNIQUE COLLATE NOCASE, display_name TEXT NOT NULL,
    email TEXT NOT NULL, phone TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('insured', 'policyholder', 'agent', 'support')),
    customer_id TEXT REFERENCES customers(id),   -- policyholder and insured
    insured_id TEXT REFERENCES insureds(id),     -- insured: the person they are
    agency_id TEXT REFERENCES agencies(id),      -- agent
    password_hash TEXT NOT NULL,                 -- scrypt$N$r$p$salt_b64$hash_b64
    totp_secret TEXT,                            -- NULL: MFA never enrolled
    totp_last_step INTEGER NOT NULL DEFAULT 0,   -- the last accepted TOTP time step (replay guard)
    failed_logins INTEGER NOT NULL DEFAULT 0,
    locked_at TEXT,
    last_login TEXT,
    demo_password TEXT                           -- sandbox only: shown by `sandbox accounts`
);

-- Sandbox only: the demo logins `sandbox accounts` lists, in order (the paying policyholder first), each
-- with a note saying what it shows.
CREATE TABLE demo_accounts (
    position INTEGER PRIMARY KEY, user_id TEXT NOT NULL UNIQUE REFERENCES users(id), note TEXT NOT NULL
);

CREATE TABLE billing_accounts (
    id TEXT PRIMARY KEY, account_number TEXT NOT NULL UNIQUE, customer_id TEXT NOT NULL REFERENCES customers(id),
    name TEXT NOT NULL, insurer TEXT NOT NULL,
    plan TEXT NOT NULL CHECK (plan IN ('annual', 'semi_annual', 'quarterly', 'monthly')),
    autopay INTEGER NOT NULL DEFAULT 0,
    can_pay_online INTEGER NOT NULL DEFAULT 0    -- NORCAL accounts pay online through InvoiceCloud
);

CREATE TABLE policies (
    id TEXT PRIMARY KEY, policy_number TEXT NOT NULL UNIQUE, customer_id TEXT NOT NULL REFERENCES customers(id),
    agency_id TEXT REFERENCES agencies(id), billing_account_id TEXT NOT NULL REFERENCES billing_accounts(id),
    insurer TEXT NOT NULL, coverage_type TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('active', 'cancelled')), cancelled_on TEXT,
    claims_made INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX policies_customer ON policies(customer_id);
CREATE INDEX policies_agency ON policies(agency_id);

CREATE TABLE policy_terms (
    policy_id TEXT NOT NULL REFERENCES policies(id),
    term TEXT NOT NULL CHECK (term IN ('previous', 'current', 'renewal')),
    start TEXT NOT NULL, "end" TEXT NOT NULL, retro_date TEXT NOT NULL,
    limit_per_claim_cents INTEGER NOT NULL, limit_aggregate_cents INTEGER NOT NULL, premium_cents INTEGER NOT NULL,
    PRIMARY KEY (policy_id, term)
);

CREATE TABLE policy_insureds (
    policy_id TEXT NOT NULL REFERENCES policies(id), insured_id TEXT NOT NULL REFERENCES insureds(id),
    PRIMARY KEY (policy_id, insured_id)
);
CREATE INDEX policy_insureds_insured ON policy_insureds(insured_id);

-- Per billing account and billing term: what was billed.
CREATE TABLE billing_terms (
    account_id TEXT NOT NULL REFERENCES billing_accounts(id),
    term TEXT NOT NULL CHECK (term IN ('previous', 'current')),
    start TEXT NOT NULL, "end" TEXT NOT NULL,
    term_amount_cents INTEGER NOT NULL, premium_cents INTEGER NOT NULL,
    PRIMARY KEY (account_id, term)
);

CREATE TABLE installments (
    id TEXT PRIMARY KEY, account_id TEXT NOT NULL REFERENCES billing_accounts(id),
    term TEXT NOT NULL, number INTEGER NOT NULL, due_on TEXT NOT NULL, amount_cents INTEGER NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('paid', 'due', 'past_due', 'scheduled'))
);
CREATE INDEX installments_account ON installments(account_id, term);

CREATE TABLE payments (
    id TEXT PRIMARY KEY, account_id TEXT NOT NULL REFERENCES billing_accounts(id), term TEXT NOT NULL,
    paid_on TEXT NOT NULL, amount_cents INTEGER NOT NULL, method TEXT NOT NULL, reference TEXT NOT NULL
);
CREATE INDEX payments_account ON payments(account_id, term);

-- Every PDF the portal serves. Policy documents have policy_id and term; risk and agent resources have neither.
-- `generator` names the pdfs.py builder and `params` (JSON) what it needs beyond the database.
CREATE TABLE documents (
    id TEXT PRIMARY KEY, policy_id TEXT REFERENCES policies(id), term TEXT,
    title TEXT NOT NULL, type TEXT NOT NULL, issued_on TEXT NOT NULL, filename TEXT NOT NULL,
    generator TEXT NOT NULL, params TEXT NOT NULL DEFAULT '{}',
    pages INTEGER NOT NULL
);
CREATE INDEX documents_policy ON documents(policy_id, term);

-- Generated PDF bytes, made once on first need. Also holds certificates ('cert:<id>') and claims-history
-- letters ('claims:<insured>:<policy>').
CREATE TABLE blobs (
    key TEXT PRIMARY KEY, content BLOB NOT NULL, sha256 TEXT NOT NULL, bytes INTEGER NOT NULL, pages INTEGER NOT NULL
);

CREATE TABLE certificate_holders (
    id TEXT PRIMARY KEY, name TEXT NOT NULL, kind TEXT NOT NULL,
    address TEXT NOT NULL, city TEXT NOT NULL, state TEXT NOT NULL, zip TEXT NOT NULL,
    contact_name TEXT NOT NULL DEFAULT '', contact_email TEXT NOT NULL DEFAULT ''  -- whom certificates go to
);

CREATE TABLE certificates (
    id TEXT PRIMARY KEY, policy_id TEXT NOT NULL REFERENCES policies(id),
    insured_id TEXT NOT NULL REFERENCES insureds(id), holder_id TEXT NOT NULL REFERENCES certificate_holders(id),
    term TEXT NOT NULL CHECK (term IN ('current', 'renewal'))
);
CREATE INDEX certificates_policy ON certificates(policy_id, term);

CREATE TABLE claims (
    id TEXT PRIMARY KEY, insured_id TEXT NOT NULL REFERENCES insureds(id), policy_id TEXT NOT NULL,
    claim_number TEXT NOT NULL, status TEXT NOT NULL CHECK (status IN ('open', 'closed')),
    incident_on TEXT NOT NULL, reported_on TEXT NOT NULL, closed_on TEXT,
    indemnity_paid_cents INTEGER NOT NULL DEFAULT 0, expense_paid_cents INTEGER NOT NULL DEFAULT 0,
    allegation TEXT NOT NULL
);
CREATE INDEX claims_insured ON claims(insured_id);

CREATE TABLE holder_requests (
    id TEXT PRIMARY KEY, user_id TEXT NOT NULL REFERENCES users(id), customer_id TEXT NOT NULL,
    policy_id TEXT NOT NULL, insured_id TEXT NOT NULL,
    holder_name TEXT NOT NULL, address TEXT NOT NULL, city TEXT NOT NULL, state TEXT NOT NULL, zip TEXT NOT NULL,
    contact_name TEXT NOT NULL DEFAULT '', contact_email TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL CHECK (status IN ('submitted', 'in_review', 'completed', 'rejected')),
    submitted_at TEXT NOT NULL, expected_by TEXT NOT NULL, completed_at TEXT,
    idempotency_key TEXT, request_hash TEXT,    -- the same key replays; the same key with another body is 422
    UNIQUE (user_id, idempotency_key)
);

CREATE TABLE announcements (
    id TEXT PRIMARY KEY, title TEXT NOT NULL, body TEXT NOT NULL, published_on TEXT NOT NULL, category TEXT NOT NULL
);

CREATE TABLE risk_resources (
    id TEXT PRIMARY KEY, title TEXT NOT NULL, category TEXT NOT NULL,
    coverage_types TEXT NOT NULL,               -- JSON list of coverage types this resource serves
    summary TEXT NOT NULL, published_on TEXT NOT NULL,
    document_id TEXT REFERENCES documents(id), url TEXT,
    highlight INTEGER NOT NULL DEFAULT 0        -- shown on Home
);

CREATE TABLE seminars (
    id TEXT PRIMARY KEY, title TEXT NOT NULL, format TEXT NOT NULL CHECK (format IN ('online', 'live')),
    cme_credits TEXT NOT NULL, url TEXT NOT NULL, description TEXT NOT NULL, event_on TEXT
);

CREATE TABLE seminar_activity (
    id TEXT PRIMARY KEY, customer_id TEXT NOT NULL REFERENCES customers(id),
    participant TEXT NOT NULL, policy_number TEXT NOT NULL, policyholder TEXT NOT NULL,
    seminar_id TEXT NOT NULL REFERENCES seminars(id), completed_on TEXT NOT NULL, credits TEXT NOT NULL
);
CREATE INDEX seminar_activity_customer ON seminar_activity(customer_id, completed_on);

CREATE TABLE agent_resources (
    id TEXT PRIMARY KEY, category TEXT NOT NULL, title TEXT NOT NULL, published_on TEXT NOT NULL,
    summary TEXT NOT NULL DEFAULT '', document_id TEXT REFERENCES documents(id), url TEXT
);

-- Authentication state.
CREATE TABLE mfa_challenges (
    token_hash TEXT PRIMARY KEY, user_id TEXT NOT NULL REFERENCES users(id),
    expires_at TEXT NOT NULL, enroll_secret TEXT, used INTEGER NOT NULL DEFAULT 0, failures INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE mfa_codes (
    id INTEGER PRIMARY KEY, challenge_hash TEXT NOT NULL, factor TEXT NOT NULL, code TEXT NOT NULL,
    expires_at TEXT NOT NULL, used INTEGER NOT NULL DEFAULT 0
);
-- What the sandbox 'sent': sign-in and phone codes (factor sms or voice), and emails (factor email): reset
-- codes, registration answers, invitations and notices. `address` is the masked phone or the email address.
CREATE TABLE outbox (
    id INTEGER PRIMARY KEY, username TEXT NOT NULL, factor TEXT NOT NULL, code TEXT NOT NULL, sent_at TEXT NOT NULL,
    address TEXT NOT NULL DEFAULT '', subject TEXT NOT NULL DEFAULT '', body TEXT NOT NULL DEFAULT ''
);
CREATE TABLE device_tokens (
    token_hash TEXT PRIMARY KEY, user_id TEXT NOT NULL REFERENCES users(id), expires_at TEXT NOT NULL,
    id TEXT NOT NULL UNIQUE,                     -- what GET /account/devices shows and DELETE names
    label TEXT NOT NULL DEFAULT '',              -- what the device said it was (User-Agent and address)
    created_at TEXT NOT NULL, last_used_at TEXT
);
CREATE INDEX device_tokens_user ON device_tokens(user_id);

-- Requests for a login (POST /registrations). Refused ones (an unknown policy number, a duplicate) are kept
-- with their reason for `sandbox registrations`; the applicant only ever hears by email.
CREATE TABLE registrations (
    id TEXT PRIMARY KEY,
    user_type TEXT NOT NULL CHECK (user_type IN ('insured', 'authorized_user')),
    name TEXT NOT NULL, email TEXT NOT NULL, phone TEXT NOT NULL, policy_number TEXT NOT NULL,
    works_for TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'rejected')),
    reason TEXT NOT NULL DEFAULT '',             -- why it was refused, for the operator
    submitted_at TEXT NOT NULL, decided_at TEXT,
    user_id TEXT REFERENCES users(id)            -- the login made when approved
);

-- One-time codes and pending changes of a login: password reset and invitation codes (by email), a new phone
-- number waiting for its code, a new authenticator secret waiting for a code from it. Only hashes of codes
-- and tokens are kept; `payload` is the new phone number or the new TOTP secret.
CREATE TABLE account_codes (
    id INTEGER PRIMARY KEY, user_id TEXT NOT NULL REFERENCES users(id),
    purpose TEXT NOT NULL CHECK (purpose IN ('reset', 'invitation', 'phone', 'totp')),
    token_hash TEXT UNIQUE, code_hash TEXT, payload TEXT,
    created_at TEXT NOT NULL, expires_at TEXT NOT NULL,
    used INTEGER NOT NULL DEFAULT 0, failures INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX account_codes_user ON account_codes(user_id, purpose);

-- Policy change requests. `change` is the JSON of the requested change (its `kind` repeated in the column);
-- the sandbox moves each on its clock: in review at `review_at`, decided (`outcome`, `decision`) at
-- `decide_at` (NULL: waiting on the underwriter, so it can run overdue).
CREATE TABLE change_requests (
    id TEXT PRIMARY KEY, user_id TEXT NOT NULL REFERENCES users(id), customer_id TEXT NOT NULL,
    policy_id TEXT NOT NULL REFERENCES policies(id),
    kind TEXT NOT NULL CHECK (kind IN ('mailing_address', 'add_insured', 'remove_insured', 'change_limits',
                                       'other')),
    change TEXT NOT NULL, summary TEXT NOT NULL, note TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL CHECK (status IN ('submitted', 'in_review', 'completed', 'rejected')),
    submitted_at TEXT NOT NULL, expected_by TEXT NOT NULL, review_at TEXT NOT NULL, decide_at TEXT,
    outcome TEXT NOT NULL CHECK (outcome IN ('completed', 'rejected')), decision TEXT NOT NULL DEFAULT '',
    decided_at TEXT,
    idempotency_key TEXT, request_hash TEXT,
    UNIQUE (user_id, idempotency_key)
);
CREATE INDEX change_requests_customer ON change_requests(customer_id, submitted_at);
CREATE TABLE sessions (
    id TEXT PRIMARY KEY, user_id TEXT NOT NULL REFERENCES users(id),
    access_hash TEXT NOT NULL UNIQUE, access_expires_at TEXT NOT NULL,
    refresh_hash TEXT NOT NULL UNIQUE, refresh_expires_at TEXT NOT NULL,
    revoked INTEGER NOT NULL DEFAULT 0
);
-- One row per refresh token a session rotated away from (its current one is sessions.refresh_hash): the
-- session is the token family. Presented again within the grace window by the client that rotated it, a
-- retired token gets back the same successor pair, derived from the token and the salt, so only the token's
-- holder can derive it; presented again in any other way, it ends the whole session (refresh-token reuse).
CREATE TABLE retired_refresh_tokens (
    token_hash TEXT PRIMARY KEY, session_id TEXT NOT NULL REFERENCES sessions(id),
    rotated_at TEXT NOT NULL, rotated_for TEXT NOT NULL, successor_salt TEXT NOT NULL
);
CREATE INDEX retired_refresh_tokens_session ON retired_refresh_tokens(session_id);
-- Consecutive failed sign-ins per username ("user:...") and per client address ("ip:..."); see
-- sign_in_throttle.py. Known and unknown usernames are counted alike.
CREATE TABLE login_throttle (
    key TEXT PRIMARY KEY, failures INTEGER NOT NULL, last_failure_at TEXT NOT NULL, blocked_until TEXT
);

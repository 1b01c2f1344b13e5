-- The whole data model of SPEC §2. Amounts are integers in the cycle's
-- currency (rial for IRR). Every per-cycle table carries cycle_id; rows loaded
-- from an upload carry its dataset_id.

CREATE TABLE datasets (
    dataset_id    VARCHAR PRIMARY KEY,
    cycle_id      VARCHAR,
    kind          VARCHAR NOT NULL,
    file_name     VARCHAR,
    sha256        VARCHAR,
    rows          BIGINT NOT NULL DEFAULT 0,
    uploader_role VARCHAR,
    anonymous     BOOLEAN NOT NULL DEFAULT false,
    created_at    TIMESTAMP NOT NULL DEFAULT current_timestamp,
    status        VARCHAR NOT NULL DEFAULT 'loaded'
);

CREATE TABLE cycles (
    cycle_id        VARCHAR PRIMARY KEY,
    id              VARCHAR GENERATED ALWAYS AS (cycle_id) VIRTUAL,
    name            VARCHAR NOT NULL,
    name_en         VARCHAR,
    unit            VARCHAR,
    fiscal_year     INTEGER,
    budget          BIGINT NOT NULL DEFAULT 0,
    currency        VARCHAR NOT NULL DEFAULT 'IRR',
    vote_type       VARCHAR NOT NULL DEFAULT 'approval',
    rule            VARCHAR,
    min_project_score_threshold BIGINT,
    min_length      INTEGER,
    max_length      INTEGER,
    max_sum_points  BIGINT,
    start_date      DATE,
    end_date        DATE,
    description     VARCHAR,
    meta            JSON,
    dataset_id      VARCHAR,
    created_at      TIMESTAMP NOT NULL DEFAULT current_timestamp
);

CREATE TABLE areas (
    cycle_id   VARCHAR NOT NULL,
    area_id    VARCHAR NOT NULL,
    parent_id  VARCHAR,
    level      VARCHAR NOT NULL,          -- city, district, neighbourhood
    name_fa    VARCHAR NOT NULL,
    name_en    VARCHAR,
    need_score DOUBLE,
    dataset_id VARCHAR,
    PRIMARY KEY (cycle_id, area_id)
);

CREATE TABLE population (
    cycle_id   VARCHAR NOT NULL,
    area       VARCHAR NOT NULL,
    gender     VARCHAR NOT NULL,          -- F, M, O, U
    age_band   VARCHAR NOT NULL,
    count      BIGINT NOT NULL,
    dataset_id VARCHAR
);

CREATE TABLE categories (
    cycle_id    VARCHAR NOT NULL,
    category_id VARCHAR NOT NULL,
    name_fa     VARCHAR NOT NULL,
    name_en     VARCHAR,
    sort        INTEGER NOT NULL DEFAULT 0,
    dataset_id  VARCHAR,
    PRIMARY KEY (cycle_id, category_id)
);

CREATE TABLE projects (
    cycle_id        VARCHAR NOT NULL,
    project_id      VARCHAR NOT NULL,
    title           VARCHAR NOT NULL,
    description     VARCHAR,
    cost            BIGINT NOT NULL,
    category        VARCHAR,
    area            VARCHAR,
    stage           VARCHAR,             -- problem, solution, budget
    proposer_gender VARCHAR,
    gender_marker   TINYINT,             -- 0, 1, 2; NULL = not screened
    women_share     DOUBLE,              -- of beneficiaries, 0..1; NULL = unknown
    beneficiaries   VARCHAR,
    selected        BOOLEAN,             -- official outcome; NULL = not recorded
    approved        BIGINT,
    spent           BIGINT,
    status          VARCHAR,
    extra           JSON,
    dataset_id      VARCHAR,
    PRIMARY KEY (cycle_id, project_id)
);

CREATE TABLE budget_lines (
    cycle_id      VARCHAR NOT NULL,
    project_id    VARCHAR NOT NULL,
    line_no       INTEGER NOT NULL,
    item          VARCHAR NOT NULL,
    quantity      DOUBLE,
    unit          VARCHAR,
    unit_cost     BIGINT,
    amount        BIGINT NOT NULL,
    gender_marker TINYINT,
    dataset_id    VARCHAR
);

CREATE TABLE participants (
    cycle_id       VARCHAR NOT NULL,
    participant_id VARCHAR NOT NULL,
    gender         VARCHAR NOT NULL DEFAULT 'U',
    age            INTEGER,
    age_band       VARCHAR,
    area           VARCHAR,
    channel        VARCHAR,
    extra          JSON,
    dataset_id     VARCHAR
);

CREATE TABLE participation (
    cycle_id       VARCHAR NOT NULL,
    participant_id VARCHAR NOT NULL,
    stage          VARCHAR NOT NULL,      -- problem, solution, vote, meeting
    project_id     VARCHAR,
    date           DATE,
    dataset_id     VARCHAR
);

CREATE TABLE votes (
    cycle_id       VARCHAR NOT NULL,
    participant_id VARCHAR NOT NULL,
    project_id     VARCHAR NOT NULL,
    points         BIGINT,
    rank           INTEGER,
    dataset_id     VARCHAR
);

CREATE TABLE tokens (
    token_hash VARCHAR PRIMARY KEY,       -- hex SHA-256 of the token; the token itself is never stored
    role       VARCHAR NOT NULL,          -- citizen, councillor, analyst, admin
    label      VARCHAR,
    created_at TIMESTAMP NOT NULL DEFAULT current_timestamp,
    expires_at TIMESTAMP,
    revoked_at TIMESTAMP
);

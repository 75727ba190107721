import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Intake (calls, partner reports, passphrases), people, incidents, effective-dated rule sets and
 * the access log.
 */
export class IntakePeopleTriage1763900000000 implements MigrationInterface {
  name = 'IntakePeopleTriage1763900000000';

  async up(q: QueryRunner): Promise<void> {
    // Law and policy as data: each value carries its citation; decisions record the set they used.
    await q.query(`
      CREATE TABLE rule_sets (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        kind text NOT NULL,
        version text NOT NULL,
        valid_from timestamptz NOT NULL,
        valid_to timestamptz NULL,
        description text NOT NULL,
        values jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT rule_sets_kind_version_key UNIQUE (kind, version),
        CONSTRAINT rule_sets_valid_range CHECK (valid_to IS NULL OR valid_to > valid_from)
      )`);
    await q.query(
      `
      INSERT INTO rule_sets (kind, version, valid_from, description, values) VALUES (
        'triage', '2020.1', '2020-01-01T00:00:00+05:00',
        'Risk scoring and priority for 102 domestic-violence calls',
        $1::jsonb)`,
      [JSON.stringify(TRIAGE_2020_1)],
    );

    await q.query(`
      CREATE TABLE persons (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        iin char(12) NULL,
        full_name text NULL,
        full_name_norm text NULL,
        phone text NULL,
        birth_date date NULL,
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL
      )`);
    await q.query(`CREATE UNIQUE INDEX persons_iin_key ON persons (iin) WHERE iin IS NOT NULL`);
    await q.query(`CREATE INDEX persons_phone ON persons (phone) WHERE phone IS NOT NULL`);
    await q.query(`CREATE INDEX persons_name_phone ON persons (full_name_norm, phone)`);

    await q.query(`
      CREATE TABLE incidents (
        id uuid PRIMARY KEY,
        source text NOT NULL CHECK (source IN ('call', 'qamqor', 'partner')),
        status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'dispatched', 'on_scene', 'cleared', 'closed')),
        district_id uuid NULL REFERENCES districts(id),
        address text NOT NULL,
        address_norm text NOT NULL,
        lat double precision NULL,
        lon double precision NULL,
        caller_phone text NULL,
        coded boolean NOT NULL DEFAULT false,
        contact_policy text NOT NULL CHECK (contact_policy IN ('normal', 'silent')),
        priority smallint NOT NULL CHECK (priority BETWEEN 1 AND 4),
        risk_level text NOT NULL CHECK (risk_level IN ('low', 'medium', 'high', 'extreme')),
        risk_score int NOT NULL,
        reasons jsonb NOT NULL,
        risk_answers jsonb NOT NULL DEFAULT '{}',
        triage_rule_set_id uuid NOT NULL REFERENCES rule_sets(id),
        received_at timestamptz NOT NULL,
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL
      )`);
    await q.query(`CREATE INDEX incidents_address_norm ON incidents (address_norm, received_at)`);
    await q.query(
      `CREATE INDEX incidents_caller_phone ON incidents (caller_phone, received_at) WHERE caller_phone IS NOT NULL`,
    );

    await q.query(`
      CREATE TABLE incident_persons (
        incident_id uuid NOT NULL REFERENCES incidents(id),
        person_id uuid NOT NULL REFERENCES persons(id),
        role text NOT NULL CHECK (role IN ('victim', 'offender', 'applicant')),
        PRIMARY KEY (incident_id, person_id, role)
      )`);
    await q.query(`CREATE INDEX incident_persons_person ON incident_persons (person_id)`);

    await q.query(`
      CREATE TABLE passphrases (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        text text NOT NULL,
        language text NOT NULL CHECK (language IN ('ru', 'kk', 'en')),
        district_ids uuid[] NULL,
        valid_from timestamptz NOT NULL,
        valid_to timestamptz NULL,
        note text NULL,
        created_by uuid NULL REFERENCES users(id),
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT passphrases_valid_range CHECK (valid_to IS NULL OR valid_to > valid_from)
      )`);
    await q.query(`
      INSERT INTO passphrases (text, language, valid_from, note) VALUES
        ('Have you received the masks and antiseptics?', 'en', '2020-04-01T00:00:00+05:00', 'Nur-Sultan police, April 2020 (reported in English)'),
        ('Have you received any more masks or antiseptics?', 'en', '2020-04-01T00:00:00+05:00', 'Nur-Sultan police, April 2020 (reported in English)'),
        ('Поступили антисептики, маски?', 'ru', '2020-04-01T00:00:00+05:00', 'Nur-Sultan police, April 2020'),
        ('Маска мен антисептик келді ме?', 'kk', '2020-04-01T00:00:00+05:00', 'Kazakh rendering of the same phrase (unverified)')`);

    await q.query(`
      CREATE TABLE calls (
        id uuid PRIMARY KEY,
        incident_id uuid NOT NULL REFERENCES incidents(id),
        district_id uuid NOT NULL REFERENCES districts(id),
        received_at timestamptz NOT NULL,
        answered_at timestamptz NOT NULL,
        caller_phone text NOT NULL,
        transcript text NULL,
        language text NULL,
        coded boolean NOT NULL,
        coded_by text NULL CHECK (coded_by IN ('dispatcher', 'passphrase')),
        passphrase_detected boolean NOT NULL,
        matched_passphrase_id uuid NULL REFERENCES passphrases(id),
        contact_policy text NOT NULL CHECK (contact_policy IN ('normal', 'silent')),
        created_by uuid NOT NULL REFERENCES users(id),
        created_at timestamptz NOT NULL,
        CONSTRAINT calls_answered_after_received CHECK (answered_at >= received_at)
      )`);
    await q.query(`CREATE INDEX calls_incident ON calls (incident_id)`);

    // A report delivered twice is one report: the unique key decides, not a lookup.
    await q.query(`
      CREATE TABLE intake_reports (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        source text NOT NULL,
        report_id text NOT NULL,
        incident_id uuid NOT NULL REFERENCES incidents(id) DEFERRABLE INITIALLY DEFERRED,
        submitted_at timestamptz NOT NULL,
        received_at timestamptz NOT NULL,
        body_sha256 char(64) NOT NULL,
        text text NOT NULL,
        CONSTRAINT intake_reports_source_report_key UNIQUE (source, report_id)
      )`);

    // Bad signatures per address, for the 429 on unsigned or badly signed intake.
    await q.query(`
      CREATE TABLE intake_rejections (
        id bigserial PRIMARY KEY,
        ip text NOT NULL,
        at timestamptz NOT NULL,
        reason text NOT NULL
      )`);
    await q.query(`CREATE INDEX intake_rejections_ip_at ON intake_rejections (ip, at DESC)`);

    // Who read which person, incident or call record (never the data itself).
    await q.query(`
      CREATE TABLE access_log (
        id bigserial PRIMARY KEY,
        user_id uuid NOT NULL REFERENCES users(id),
        at timestamptz NOT NULL,
        ip text NULL,
        subject_type text NOT NULL CHECK (subject_type IN ('person', 'incident', 'call')),
        subject_id uuid NULL,
        query text NULL,
        endpoint text NOT NULL,
        outcome text NOT NULL CHECK (outcome IN ('granted', 'denied', 'not_found'))
      )`);
    await q.query(`CREATE INDEX access_log_subject ON access_log (subject_id, at DESC)`);
    await q.query(`CREATE INDEX access_log_user ON access_log (user_id, at DESC)`);
    await q.query(`CREATE INDEX access_log_at ON access_log (at DESC)`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of [
      'access_log',
      'intake_rejections',
      'intake_reports',
      'calls',
      'passphrases',
      'incident_persons',
      'incidents',
      'persons',
      'rule_sets',
    ]) {
      await q.query(`DROP TABLE ${table}`);
    }
  }
}

const DASH = 'DASH 2009 risk checklist (Richards, ACPO/CAADA) — high-risk factor';
const DA = "Campbell's Danger Assessment (2003), weighted item";
const IOPC =
  'IOPC (England and Wales) 2023: silent or abandoned 999 call from a marked address gets the top grade';

/** Defaults of DOMAIN.md "Risk and priority"; scores are this service's, the factors are cited. */
export const TRIAGE_2020_1 = {
  'weight.weapon': { value: 3, unit: 'points', citation: `${DA}: weapon used or threatened` },
  'weight.strangulation': { value: 3, unit: 'points', citation: `${DA}: strangulation/choking` },
  'weight.threatsToKill': { value: 3, unit: 'points', citation: `${DA}: threats to kill` },
  'weight.injuries': { value: 2, unit: 'points', citation: `${DASH}: current injuries` },
  'weight.pregnancy': { value: 2, unit: 'points', citation: `${DA}: abused while pregnant` },
  'weight.childrenHurt': {
    value: 3,
    unit: 'points',
    citation: `${DASH}: children hurt or threatened`,
  },
  'weight.childrenPresent': {
    value: 1,
    unit: 'points',
    citation: `${DASH}: children in the household`,
  },
  'weight.escalation': {
    value: 2,
    unit: 'points',
    citation: `${DASH}: abuse happening more often or getting worse`,
  },
  'weight.alcoholOrDrugs': {
    value: 1,
    unit: 'points',
    citation: `${DASH}: alcohol or drug misuse`,
  },
  'weight.separation': {
    value: 1,
    unit: 'points',
    citation: `${DASH}: separation or attempt to leave in the past year`,
  },
  'weight.stalking': { value: 2, unit: 'points', citation: `${DASH}: stalking and harassment` },
  'weight.priorOrderViolation': {
    value: 2,
    unit: 'points',
    citation: `${DASH}: breached bail or an order`,
  },
  'weight.priorInjuryConviction': {
    value: 2,
    unit: 'points',
    citation: `${DASH}: criminal history of violence`,
  },
  'weight.activeProtectiveOrder': {
    value: 3,
    unit: 'points',
    citation:
      'DOMAIN.md: an active protective order against the named person — the call may be a violation (КоАП Art. 461)',
  },
  'weight.priorIncidents12m': {
    value: 1,
    unit: 'points',
    citation: 'DOMAIN.md: prior calls at the address or from the number',
  },
  'weight.priorIncidents12mMany': {
    value: 2,
    unit: 'points',
    citation: 'DOMAIN.md: repeated prior calls (escalation); replaces weight.priorIncidents12m',
  },
  'threshold.priorIncidents12mMany': {
    value: 3,
    unit: 'incidents',
    citation: 'this service: "many" prior incidents',
  },
  'weight.priorArrests': {
    value: 1,
    unit: 'points',
    citation: 'DOMAIN.md: prior arrests are a history risk factor',
  },
  'threshold.extreme': {
    value: 9,
    unit: 'points',
    citation: 'this service: score at or above which risk is extreme',
  },
  'threshold.high': {
    value: 5,
    unit: 'points',
    citation: 'this service: score at or above which risk is high',
  },
  'threshold.medium': {
    value: 2,
    unit: 'points',
    citation: 'this service: score at or above which risk is medium',
  },
  'priority.extreme': { value: 1, unit: 'P', citation: 'DOMAIN.md: P1 life at risk now' },
  'priority.high': { value: 2, unit: 'P', citation: 'DOMAIN.md: four priorities P1..P4' },
  'priority.medium': { value: 3, unit: 'P', citation: 'DOMAIN.md: four priorities P1..P4' },
  'priority.low': { value: 4, unit: 'P', citation: 'DOMAIN.md: P4 no urgency' },
  'priority.coded': {
    value: 1,
    unit: 'P',
    citation: `${IOPC}; DOMAIN.md: a coded 102 call is at least that`,
  },
  'priority.silentWithActiveOrder': { value: 1, unit: 'P', citation: IOPC },
  'historyWindow.priorIncidents': {
    value: 365,
    unit: 'days',
    citation: 'DOMAIN.md: prior incidents in 12 months',
  },
};

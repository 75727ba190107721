import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * The `enforcement` rule sets: the law before 2 March 2026 (Law No. 214-IV "On prevention of
 * domestic violence" as amended) and from 2 March 2026 (Law No. 245-VIII of 30.12.2025 "On
 * prevention of offences"). Each value carries its citation and a confidence (DOMAIN.md: H primary
 * text, M credible secondary source, L unverified). A record keeps the set it was decided under.
 */
export class EnforcementRuleSets1765800000000 implements MigrationInterface {
  name = 'EnforcementRuleSets1765800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `INSERT INTO rule_sets (kind, version, valid_from, valid_to, description, values) VALUES
       ('enforcement', '2020.1', '2020-01-01T00:00:00+06:00', '2026-03-02T00:00:00+05:00',
        'Protective orders, warnings, arrests and special requirements before Law No. 245-VIII', $1::jsonb),
       ('enforcement', '2026.1', '2026-03-02T00:00:00+05:00', NULL,
        'Protective orders, warnings, arrests and special requirements under Law No. 245-VIII of 30.12.2025', $2::jsonb)`,
      [JSON.stringify(ENFORCEMENT_2020_1), JSON.stringify(ENFORCEMENT_2026_1)],
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(
      `DELETE FROM rule_sets WHERE kind = 'enforcement' AND version IN ('2020.1', '2026.1')`,
    );
  }
}

const OLD_LAW = 'Law No. 214-IV of 4.12.2009 "On prevention of domestic violence" (as amended)';
const NEW_LAW = 'Law No. 245-VIII of 30.12.2025 "On prevention of offences", in force 2.03.2026';
const CARRIED =
  'the text of Art. 60 was not found; value carried over from the law before 2 March 2026';

const COMMON = {
  'protectiveOrder.termStartsAt': {
    value: 'delivery',
    citation:
      'The term runs from delivery of the order to the person (West Kazakhstan police 2024; Baker McKenzie)',
    confidence: 'H',
  },
  'protectiveOrder.minOffenderAgeYears': {
    value: 16,
    unit: 'years',
    citation: 'A protective order applies to persons aged 16 or over (secondary sources)',
    confidence: 'M',
  },
  'protectiveOrder.checkIntervalDays': {
    value: 7,
    unit: 'd',
    citation:
      'Compliance with an active order checked at least once every 7 calendar days (practice since 2024)',
    confidence: 'M',
  },
  'protectiveOrder.violationArticle': {
    value: 'КоАП РК Art. 461',
    citation: 'Violation of a protective order: administrative case under КоАП РК Art. 461',
    confidence: 'H',
  },
  'warning.validityDays': {
    value: 30,
    unit: 'd',
    citation:
      'Official warning valid 30 days (unverified; the phrase also appears in a public report script)',
    confidence: 'L',
  },
  'warning.checkIntervalDays': {
    value: 15,
    unit: 'd',
    citation: 'Official warning checked twice a month (unverified) — every 15 days',
    confidence: 'L',
  },
  'arrest.maxDays': {
    value: 15,
    unit: 'd',
    citation:
      'Administrative arrest for domestic offences up to 15 days (2020 amendments, seed 001; seed 003 says 10 — the seeds disagree)',
    confidence: 'L',
  },
  'arrest.minOffenderAgeYears': {
    value: 18,
    unit: 'years',
    citation:
      'КоАП РК: administrative arrest is not applied to persons under 18 (secondary sources; article not checked here)',
    confidence: 'M',
  },
  'specialRequirements.minMonths': {
    value: 3,
    unit: 'months',
    citation: 'Special requirements (КоАП РК Art. 54) for 3 months to 1 year (old DV law Art. 22)',
    confidence: 'H',
  },
  'specialRequirements.maxMonths': {
    value: 12,
    unit: 'months',
    citation: 'Special requirements (КоАП РК Art. 54) for 3 months to 1 year (old DV law Art. 22)',
    confidence: 'H',
  },
  'specialRequirements.minCheckInsPerMonth': {
    value: 1,
    unit: 'per month',
    citation: 'The offender reports to police 1 to 4 times a month (КоАП РК Art. 54)',
    confidence: 'H',
  },
  'specialRequirements.maxCheckInsPerMonth': {
    value: 4,
    unit: 'per month',
    citation: 'The offender reports to police 1 to 4 times a month (КоАП РК Art. 54)',
    confidence: 'H',
  },
  'repeatOffence.windowDays': {
    value: 365,
    unit: 'd',
    citation:
      'A person counts as penalised for 1 year after the penalty is served (confirmed for the 2001 КоАП only)',
    confidence: 'M',
  },
  'record.backdateWithoutReasonSeconds': {
    value: 86_400,
    unit: 's',
    citation:
      'Service policy, not law: a record dated more than a day back (paper entered late) needs a reason',
    confidence: 'L',
  },
  'riskReview.intervalHours.extreme': {
    value: 72,
    unit: 'h',
    citation: 'VioGén (Spain): extreme risk re-assessed every 72 hours',
    confidence: 'M',
  },
  'riskReview.intervalHours.high': {
    value: 168,
    unit: 'h',
    citation: 'VioGén (Spain): high risk re-assessed every 7 days',
    confidence: 'M',
  },
  'riskReview.intervalHours.medium': {
    value: 720,
    unit: 'h',
    citation: 'VioGén (Spain): medium risk re-assessed every 30 days',
    confidence: 'M',
  },
  'riskReview.intervalHours.low': {
    value: 1440,
    unit: 'h',
    citation: 'VioGén (Spain): low risk re-assessed every 60 days',
    confidence: 'M',
  },
};

export const ENFORCEMENT_2020_1 = {
  ...COMMON,
  'protectiveOrder.termDays': {
    value: 30,
    unit: 'd',
    citation: `${OLD_LAW}: a protective order for 30 days (10 days in 2010–2019)`,
    confidence: 'H',
  },
  'protectiveOrder.maxTermDays': {
    value: 30,
    unit: 'd',
    citation: `${OLD_LAW}: 30 days, no longer term found`,
    confidence: 'M',
  },
  'warning.legalBasis': {
    value: OLD_LAW,
    citation: OLD_LAW,
    confidence: 'M',
  },
};

export const ENFORCEMENT_2026_1 = {
  ...COMMON,
  'protectiveOrder.termDays': {
    value: 30,
    unit: 'd',
    citation: `${NEW_LAW}, Art. 60 (protective order): ${CARRIED}`,
    confidence: 'L',
  },
  'protectiveOrder.maxTermDays': {
    value: 30,
    unit: 'd',
    citation: `${NEW_LAW}, Art. 60: ${CARRIED}`,
    confidence: 'L',
  },
  'protectiveOrder.minOffenderAgeYears': {
    ...COMMON['protectiveOrder.minOffenderAgeYears'],
    citation: `${NEW_LAW}, Art. 60: ${CARRIED} (16+)`,
    confidence: 'L',
  },
  'warning.legalBasis': {
    value: `${NEW_LAW}, Art. 51`,
    citation: `${NEW_LAW}, Art. 51 (official warning)`,
    confidence: 'H',
  },
  'specialRequirements.maxMonths': {
    ...COMMON['specialRequirements.maxMonths'],
    citation: 'КоАП РК Art. 54: 3 months to 1 year (new law Art. 61 unverified)',
  },
};

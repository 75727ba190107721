import { Foundation1763830000000 } from './1763830000000-foundation';
import { IntakePeopleTriage1763900000000 } from './1763900000000-intake-people-triage';
import { Dispatch1764000000000 } from './1764000000000-dispatch';
import { Idempotency1764100000000 } from './1764100000000-idempotency';
import { AssignmentsByUnit1765200000001 } from './1765200000001-assignments-by-unit';
import { CallsCallerPhoneOptional1765300000001 } from './1765300000001-calls-caller-phone-optional';
import { RiskLevelNotAssessed1765400000001 } from './1765400000001-risk-level-not-assessed';
import { AccessHardening1765500000001 } from './1765500000001-access-hardening';
import { ReferenceChangeNotify1765700000001 } from './1765700000001-reference-change-notify';
import { EnforcementRuleSets1765800000000 } from './1765800000000-enforcement-rule-sets';
import { Enforcement1765800000001 } from './1765800000001-enforcement';
import { Deadlines1765800000002 } from './1765800000002-deadlines';
import { LogRetention1765800000003 } from './1765800000003-log-retention';
import { AccessLogEnforcementSubjects1765800000004 } from './1765800000004-access-log-enforcement-subjects';
import { Notifications1765900000000 } from './1765900000000-notifications';
import { IncidentResponseFacts1765900001000 } from './1765900001000-incident-response-facts';
import { EventsCommitOrder1765900004000 } from './1765900004000-events-commit-order';
import { OpenAlertsIndex1765900003000 } from './1765900003000-open-alerts-index';

/** Every migration, in order. Listed explicitly so build, run and Jest (ESM) load the same set. */
export const migrations = [
  Foundation1763830000000,
  IntakePeopleTriage1763900000000,
  Dispatch1764000000000,
  Idempotency1764100000000,
  AssignmentsByUnit1765200000001,
  CallsCallerPhoneOptional1765300000001,
  RiskLevelNotAssessed1765400000001,
  AccessHardening1765500000001,
  ReferenceChangeNotify1765700000001,
  EnforcementRuleSets1765800000000,
  Enforcement1765800000001,
  Deadlines1765800000002,
  LogRetention1765800000003,
  AccessLogEnforcementSubjects1765800000004,
  Notifications1765900000000,
  IncidentResponseFacts1765900001000,
  OpenAlertsIndex1765900003000,
  EventsCommitOrder1765900004000,
];

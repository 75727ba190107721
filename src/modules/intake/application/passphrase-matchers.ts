import { type PassphraseCandidate, PassphraseMatcher } from '../domain/passphrase-matcher';

/** A handful of distinct active sets exist at a time (one per district pattern). */
const MAX_MATCHERS = 32;

const matchers = new Map<string, PassphraseMatcher>();

/**
 * The compiled matcher for a set of active passphrases, compiled once per distinct set. Keyed by
 * the content itself, so an edited or new passphrase can never be served by a stale matcher.
 */
export function matcherFor(candidates: PassphraseCandidate[]): PassphraseMatcher {
  const key = candidates.map((c) => `${c.id}\u0000${c.language}\u0000${c.text}`).join('\u0001');
  let matcher = matchers.get(key);
  if (!matcher) {
    matcher = new PassphraseMatcher(candidates);
    if (matchers.size >= MAX_MATCHERS) matchers.delete(matchers.keys().next().value as string);
    matchers.set(key, matcher);
  }
  return matcher;
}

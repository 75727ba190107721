export abstract class PasswordHasher {
  abstract hash(password: string): Promise<string>;
  /** Verifies against a stored hash; with no hash, spends the same time and returns false. */
  abstract verify(hash: string | null, password: string): Promise<boolean>;
}

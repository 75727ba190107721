import { DomainError } from '../../../common/domain-error';

/**
 * Password rules (CJIS Security Policy v6.0 IA-5(1), OWASP ASVS 5.0 V6.2): at least 12 characters,
 * at most 128, not a known common password, not the username.
 */
export class PasswordPolicy {
  static readonly MIN_LENGTH = 12;
  static readonly MAX_LENGTH = 128;

  constructor(private readonly commonPasswords: ReadonlySet<string>) {}

  check(password: string, username: string, field = 'password'): void {
    const fail = (code: string, message: string) => {
      throw DomainError.validation(field, code, message);
    };
    if ([...password].length < PasswordPolicy.MIN_LENGTH) {
      fail(
        'PASSWORD_TOO_SHORT',
        `${field} must be at least ${PasswordPolicy.MIN_LENGTH} characters`,
      );
    }
    if ([...password].length > PasswordPolicy.MAX_LENGTH) {
      fail('PASSWORD_TOO_LONG', `${field} must be at most ${PasswordPolicy.MAX_LENGTH} characters`);
    }
    const lower = password.toLowerCase();
    if (this.commonPasswords.has(lower))
      fail('PASSWORD_COMMON', `${field} is a commonly used password`);
    if (lower.includes(username.toLowerCase()))
      fail('PASSWORD_CONTAINS_USERNAME', `${field} must not contain the username`);
  }
}

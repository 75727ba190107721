export class LoginCommand {
  constructor(
    readonly username: string,
    readonly password: string,
    readonly ip: string,
    readonly userAgent: string | null,
  ) {}
}

export interface LoginResult {
  accessToken: string;
  expiresIn: number;
  user: { id: string; username: string; role: string; districtIds: string[] };
}

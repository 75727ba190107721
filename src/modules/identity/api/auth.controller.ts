import { Body, Controller, Get, HttpCode, Post, Req } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { AnyRole, CurrentUser, Public } from '../../../common/auth.decorators';
import type { Principal } from '../../../common/roles';
import { LoginCommand, type LoginResult } from '../application/commands/login/login.command';
import { LoginRequestDto } from './auth.request.dto';
import { LoginResponseDto, LoginUserDto } from './user.response.dto';
import { ApiEndpoint } from '../../../common/openapi';

@ApiTags('identity')
@Controller('auth')
export class AuthController {
  constructor(private readonly commands: CommandBus) {}

  @Post('login')
  @Public()
  @HttpCode(200)
  @ApiEndpoint({
    summary: 'Log in: an access token for the user',
    ok: { type: LoginResponseDto },
    errors: [
      [
        401,
        'INVALID_CREDENTIALS: the same answer for unknown users, wrong passwords and locked accounts',
      ],
      [
        429,
        'RATE_LIMITED with Retry-After: a failed login from an address past its failure limit. ' +
          'Correct credentials from that address are still checked and accepted.',
      ],
      [
        503,
        'LOGIN_BUSY with Retry-After: every password-check slot and queue place is taken; refused at once',
      ],
    ],
  })
  login(@Body() body: LoginRequestDto, @Req() request: FastifyRequest): Promise<LoginResult> {
    const agent = request.headers['user-agent'];
    return this.commands.execute(
      new LoginCommand(
        body.username,
        body.password,
        request.ip,
        typeof agent === 'string' ? agent : null,
      ),
    );
  }

  @Get('me')
  @AnyRole()
  @ApiBearerAuth()
  @ApiEndpoint({ summary: 'Who the token belongs to', ok: { type: LoginUserDto } })
  me(@CurrentUser() user: Principal): LoginUserDto {
    return { id: user.id, username: user.username, role: user.role, districtIds: user.districtIds };
  }
}

import {
  Controller,
  ExecutionContext,
  ForbiddenException,
  Get,
  ServiceUnavailableException,
  UnauthorizedException,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { ApiPrincipal, AuthenticatedRequest } from './api-principal';
import {
  ApiKeyGuard,
  bearerToken,
  INVALID_KEY_MESSAGE,
  KEYS_UNAVAILABLE_MESSAGE,
  MISSING_KEY_MESSAGE,
} from './api-key.guard';
import type { ApiKeysService } from './api-keys.service';
import { Public } from './public.decorator';
import { RequireRole } from './require-role.decorator';

@Controller()
@RequireRole('viewer')
class SampleController {
  @Get() read(): void {}
  @Get() @RequireRole('responder') respond(): void {}
  @Get() @Public() open(): void {}
}

@Controller()
class UndeclaredController {
  @Get() anything(): void {}
}

const keys: Record<string, ApiPrincipal> = {
  'vw_viewer-key': { id: 'v', name: 'viewer', role: 'viewer' },
  'vw_responder-key': { id: 'r', name: 'responder', role: 'responder' },
  'vw_admin-key': { id: 'a', name: 'admin', role: 'admin' },
};
const service = {
  verify: (secret: string) =>
    secret === 'vw_while-db-down'
      ? Promise.reject(new Error('connect ECONNREFUSED'))
      : Promise.resolve(keys[secret] ?? null),
} as unknown as ApiKeysService;

function contextFor(
  controller: new () => object,
  method: string,
  request: AuthenticatedRequest,
): ExecutionContext {
  const handler = (controller.prototype as Record<string, () => void>)[method];
  return {
    getType: () => 'http',
    getClass: () => controller,
    getHandler: () => handler,
    switchToHttp: () => ({ getRequest: () => request }),
  } as unknown as ExecutionContext;
}

describe('ApiKeyGuard', () => {
  const guard = new ApiKeyGuard(new Reflector(), service);
  const call = (controller: new () => object, method: string, authorization?: string) => {
    const request: AuthenticatedRequest = { headers: { authorization } };
    return { request, result: guard.canActivate(contextFor(controller, method, request)) };
  };

  it('lets public routes through without a key', async () => {
    await expect(call(SampleController, 'open').result).resolves.toBe(true);
  });

  it('refuses a request without a key', async () => {
    await expect(call(SampleController, 'read').result).rejects.toThrow(
      new UnauthorizedException(MISSING_KEY_MESSAGE),
    );
  });

  it('refuses an unknown key', async () => {
    await expect(call(SampleController, 'read', 'Bearer vw_nope').result).rejects.toThrow(
      new UnauthorizedException(INVALID_KEY_MESSAGE),
    );
  });

  it('answers 503 when keys cannot be checked', async () => {
    await expect(call(SampleController, 'read', 'Bearer vw_while-db-down').result).rejects.toThrow(
      new ServiceUnavailableException(KEYS_UNAVAILABLE_MESSAGE),
    );
  });

  it('admits a key whose role is enough and puts its principal on the request', async () => {
    const { request, result } = call(SampleController, 'read', 'Bearer vw_viewer-key');
    await expect(result).resolves.toBe(true);
    expect(request.principal).toEqual(keys['vw_viewer-key']);
  });

  it('lets a method ask for more than its controller', async () => {
    await expect(call(SampleController, 'respond', 'Bearer vw_viewer-key').result).rejects.toThrow(
      new ForbiddenException('This action needs the responder role; this key has viewer'),
    );
    await expect(call(SampleController, 'respond', 'bearer vw_admin-key').result).resolves.toBe(
      true,
    );
  });

  it('needs admin where nothing is declared', async () => {
    await expect(
      call(UndeclaredController, 'anything', 'Bearer vw_responder-key').result,
    ).rejects.toThrow(
      new ForbiddenException('This action needs the admin role; this key has responder'),
    );
    await expect(
      call(UndeclaredController, 'anything', 'Bearer vw_admin-key').result,
    ).resolves.toBe(true);
  });
});

describe('bearerToken', () => {
  it.each([
    ['Bearer vw_abc', 'vw_abc'],
    ['bearer   vw_abc  ', 'vw_abc'],
    ['Basic dXNlcjpwYXNz', null],
    ['Bearer', null],
    ['Bearer a b', null],
    ['', null],
    [undefined, null],
  ])('%j → %j', (header, token) => {
    expect(bearerToken(header)).toBe(token);
  });
});

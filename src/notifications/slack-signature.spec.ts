import { signSlackRequest, verifySlackRequest } from './slack-signature';

describe('verifySlackRequest', () => {
  const signingSecret = '8f742231b10e8888abcd99yyyzzz85a5';
  const now = 1_531_420_618;
  const rawBody =
    'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V' +
    '&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=' +
    '&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN' +
    '&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c';

  function verify(overrides: Partial<Parameters<typeof verifySlackRequest>[0]> = {}) {
    return verifySlackRequest({
      signingSecret,
      timestamp: String(now),
      rawBody,
      signature: signSlackRequest({ signingSecret, timestamp: now, rawBody }),
      nowSeconds: now,
      ...overrides,
    });
  }

  it("matches Slack's documented example signature", () => {
    // The example of https://api.slack.com/authentication/verifying-requests-from-slack.
    expect(signSlackRequest({ signingSecret, timestamp: now, rawBody })).toBe(
      'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503',
    );
  });

  it('accepts a valid signature, from a string or a Buffer body, within five minutes', () => {
    expect(verify()).toEqual({ ok: true });
    expect(verify({ rawBody: Buffer.from(rawBody) })).toEqual({ ok: true });
    expect(verify({ nowSeconds: now + 300 })).toEqual({ ok: true });
    expect(verify({ nowSeconds: now - 300 })).toEqual({ ok: true });
  });

  it('refuses a wrong secret, a changed body or a tampered signature', () => {
    const signature = signSlackRequest({ signingSecret, timestamp: now, rawBody });
    expect(verify({ signingSecret: 'other' })).toEqual({ ok: false, reason: 'signature mismatch' });
    expect(verify({ rawBody: `${rawBody}&x=1`, signature })).toEqual({
      ok: false,
      reason: 'signature mismatch',
    });
    const flipped = signature.slice(0, -1) + (signature.endsWith('0') ? '1' : '0');
    expect(verify({ signature: flipped })).toEqual({ ok: false, reason: 'signature mismatch' });
  });

  it('refuses stale and future timestamps, whatever the signature', () => {
    const stale = { ok: false, reason: 'timestamp outside the allowed window' };
    expect(verify({ nowSeconds: now + 301 })).toEqual(stale);
    expect(verify({ nowSeconds: now - 301 })).toEqual(stale);
    expect(verify({ nowSeconds: now + 61, toleranceSeconds: 60 })).toEqual(stale);
  });

  it('refuses missing or malformed headers and a missing secret', () => {
    expect(verify({ timestamp: undefined })).toEqual({ ok: false, reason: 'missing timestamp' });
    expect(verify({ timestamp: '15314206l8' })).toEqual({
      ok: false,
      reason: 'malformed timestamp',
    });
    expect(verify({ signature: null })).toEqual({ ok: false, reason: 'missing signature' });
    expect(verify({ signature: 'v1=abc' })).toEqual({ ok: false, reason: 'malformed signature' });
    expect(verify({ signingSecret: '' })).toEqual({
      ok: false,
      reason: 'no signing secret configured',
    });
  });
});

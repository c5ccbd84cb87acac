import { contentRangeTotal } from './connect.client';
import { inferOrder } from './connect-listing';
import { eventsUrlFromToken, resolveEventsUrl } from './events-api.client';

const jwt = (claims: object) =>
  ['{"alg":"ES256"}', JSON.stringify(claims), 'signature']
    .map((part, i) => (i < 2 ? Buffer.from(part).toString('base64url') : part))
    .join('.');

describe('Events API base URL', () => {
  it("comes from the token's aud claim, as 1Password's collectors read it", () => {
    expect(eventsUrlFromToken(jwt({ aud: ['events.1password.eu'] }))).toBe(
      'https://events.1password.eu',
    );
    expect(eventsUrlFromToken(jwt({ aud: 'events.ent.1password.com' }))).toBe(
      'https://events.ent.1password.com',
    );
  });

  it('is not guessed from old tokens or garbage', () => {
    expect(eventsUrlFromToken(jwt({ aud: ['com.1password.streamingservice'] }))).toBeNull();
    expect(eventsUrlFromToken('not-a-jwt')).toBeNull();
    expect(eventsUrlFromToken('a.%%%.c')).toBeNull();
  });

  it('prefers the configured URL, then the token, then events.1password.com', () => {
    const token = jwt({ aud: ['events.1password.ca'] });
    expect(resolveEventsUrl('http://127.0.0.1:8080/', token)).toBe('http://127.0.0.1:8080');
    expect(resolveEventsUrl(undefined, token)).toBe('https://events.1password.ca');
    expect(resolveEventsUrl(undefined, 'opaque')).toBe('https://events.1password.com');
  });
});

describe('Connect paging helpers', () => {
  it('reads the total of a Content-Range header', () => {
    expect(contentRangeTotal('1-50/1134')).toBe(1134);
    expect(contentRangeTotal('items 1-50/7')).toBe(7);
    expect(contentRangeTotal(null)).toBeNull();
    expect(contentRangeTotal('1-50/*')).toBeNull();
  });

  it("tells the server's listing order from a page's timestamps", () => {
    const at = (iso: string) => ({ timestamp: iso });
    expect(inferOrder([at('2026-01-02T00:00:00Z'), at('2026-01-01T00:00:00Z')])).toBe(
      'newest_first',
    );
    expect(inferOrder([at('2026-01-01T00:00:00Z'), at('2026-01-02T00:00:00Z')])).toBe(
      'oldest_first',
    );
    expect(inferOrder([at('2026-01-01T00:00:00Z')])).toBeUndefined();
    expect(
      inferOrder([at('2026-01-01T00:00:00Z'), null, at('2026-01-01T00:00:00Z')]),
    ).toBeUndefined();
  });
});

import { incidentMessage } from '../../../test/support/incident-message';
import { incidentTitle } from '../../incidents/incident-title';
import { emailHtml, emailSubject, emailText } from './email-message';
import { pagerDutyEvent } from './pagerduty.channel';
import { fallbackText, incidentBlocks } from './slack-blocks';
import { webhookPayload } from './webhook.channel';

const ACME = 'ACMEAAAAAAAAAAAAAAAAAAAAAA';

const occurrences = (text: string, part: string) => text.split(part).length - 1;

/** Every heading a person reads first: mail subject and heading, Slack header and fallback, PagerDuty summary. */
function headings(message = incidentMessage()): string[] {
  const header = incidentBlocks(message).find((block) => block.type === 'header');
  return [
    emailSubject(message),
    emailText(message).split('\n')[0],
    /<h2[^>]*>(.*)<\/h2>/.exec(emailHtml(message))![1],
    JSON.stringify(header),
    fallbackText(message),
    pagerDutyEvent('routing-key', message).payload!.summary,
  ];
}

describe('incident headings', () => {
  it('name the rule once, with the title built as incidents build it', () => {
    const title = incidentTitle('Reveal spike', 'ada@example.com');
    expect(title).toBe('Reveal spike: ada@example.com');
    const message = incidentMessage({ title, ruleName: 'Reveal spike' });
    for (const heading of headings(message)) {
      expect(occurrences(heading, 'Reveal spike')).toBe(1);
    }
  });

  it('never put the rule name before a subject that already starts with it', () => {
    expect(incidentTitle('Reveal spike', 'Reveal spike: ada@example.com')).toBe(
      'Reveal spike: ada@example.com',
    );
    expect(incidentTitle('Reveal spike', '')).toBe('Reveal spike');
    expect(incidentTitle('Reveal spike', 'Reveal spike')).toBe('Reveal spike');
  });

  it('name the account when the incident has one, and say nothing of accounts otherwise', () => {
    const inAcme = incidentMessage({ account: ACME });
    for (const heading of headings(inAcme)) expect(heading).toContain(`in account ${ACME}`);
    expect(emailText(inAcme)).toContain(`Account: ${ACME}`);
    expect(emailHtml(inAcme)).toContain(
      `<th align="left" valign="top" style="padding:2px 12px 2px 0">Account</th><td>${ACME}</td>`,
    );
    expect(JSON.stringify(incidentBlocks(inAcme))).toContain(`*Account:* ${ACME}`);
    expect(webhookPayload(inAcme).account).toBe(ACME);
    expect(pagerDutyEvent('routing-key', inAcme).payload!.custom_details).toMatchObject({
      account: ACME,
    });

    const single = incidentMessage();
    for (const heading of headings(single)) expect(heading).not.toContain('account');
    expect(emailText(single)).not.toContain('Account:');
    expect(webhookPayload(single).account).toBeNull();
  });
});

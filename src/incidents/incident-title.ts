/** The longest title kept: a list row, a mail subject, a Slack header. */
const MAX_TITLE = 300;

/**
 * An incident's title: the rule's name, once, then what the alerts are about
 * (`Reveal spike: ada@example.com`). Channels show the title as it is, never with the rule's
 * name put before it again; a subject that already starts with the name is not prefixed.
 */
export function incidentTitle(ruleName: string, subject: string): string {
  const name = ruleName.trim();
  const about = subject.trim();
  if (about === '' || about === name) return truncate(name);
  if (about.startsWith(`${name}: `)) return truncate(about);
  return truncate(`${name}: ${about}`);
}

const truncate = (text: string): string =>
  text.length <= MAX_TITLE ? text : `${text.slice(0, MAX_TITLE - 1)}…`;

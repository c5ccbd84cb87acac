/** Static vocabularies for the simulated tenant: names, client software, Connect user agents. */

// prettier-ignore
export const FIRST_NAMES: readonly string[] = [
  'Ava', 'Liam', 'Noah', 'Emma', 'Olivia', 'Mateo', 'Sofia', 'Lucas', 'Mia', 'Amara', 'Hiro',
  'Yuki', 'Priya', 'Arjun', 'Chen', 'Mei', 'Fatima', 'Omar', 'Lena', 'Jonas', 'Elif', 'Kofi',
  'Zara', 'Diego', 'Camila', 'Ingrid', 'Lars', 'Aisha', 'Tomas', 'Nadia', 'Ravi', 'Sara',
  'Pierre', 'Chloe', 'Marta', 'Pawel', 'Grace', 'Samuel', 'Leila', 'Ethan', 'Hannah', 'Kai',
];

// prettier-ignore
export const LAST_NAMES: readonly string[] = [
  'Smith', 'Tremblay', 'Garcia', 'Nguyen', 'Kim', 'Patel', 'Muller', 'Rossi', 'Silva', 'Khan',
  'Okafor', 'Tanaka', 'Ivanova', 'Dubois', 'Novak', 'Johansson', 'Kowalski', 'Haddad', 'Lopez',
  'Brown', 'Wilson', 'Martin', 'Schmidt', 'Fernandez', 'Sato', 'Chen', 'Singh', 'Cohen',
  'Andersen', 'Murphy', 'Costa', 'Yilmaz', 'Mensah', 'Walker', 'Roy', 'Fischer', 'Moreau',
];

export type OsFamily = 'mac' | 'windows' | 'linux';
export type ClientKind = 'desktop' | 'extension' | 'mobile' | 'cli' | 'web';

export interface ClientTemplate {
  kind: ClientKind;
  app_name: string;
  app_version: string;
  platform_name: string;
  platform_version: string;
  os_name: string;
  os_version: string;
}

const OS: Record<OsFamily, { name: string; versions: readonly string[] }> = {
  mac: { name: 'MacOSX', versions: ['14.4.1', '14.5', '13.6.7', '15.1'] },
  windows: { name: 'Windows', versions: ['10.0.22631', '10.0.19045', '10.0.26100'] },
  linux: { name: 'Linux', versions: ['Ubuntu 22.04', 'Ubuntu 24.04', 'Fedora 40'] },
};

// prettier-ignore
const DESKTOP: Record<OsFamily, { app: string; platforms: ReadonlyArray<[string, string]> }> = {
  mac: { app: '1Password for Mac', platforms: [['Apple MacBook Pro', 'MacBookPro18,3'], ['Apple MacBook Air', 'Mac14,2'], ['Apple iMac', 'iMac21,1']] },
  windows: { app: '1Password for Windows', platforms: [['Dell Inc.', 'Latitude 7440'], ['LENOVO', 'ThinkPad X1 Carbon Gen 11'], ['HP', 'EliteBook 840 G10']] },
  linux: { app: '1Password for Linux', platforms: [['LENOVO', 'ThinkPad T14s Gen 4'], ['Framework', 'Laptop 13'], ['Dell Inc.', 'XPS 13 9340']] },
};

// prettier-ignore
const BROWSERS: Record<OsFamily, ReadonlyArray<[string, string]>> = {
  mac: [['Chrome', '124.0.6367.91'], ['Safari', '17.4.1'], ['Firefox', '125.0.3'], ['Arc', '124.0.6367.119']],
  windows: [['Chrome', '124.0.6367.91'], ['Edge', '124.0.2478.67'], ['Firefox', '125.0.3']],
  linux: [['Firefox', '125.0.3'], ['Chrome', '124.0.6367.91'], ['Brave', '1.65.126']],
};

const APP_VERSIONS = ['81024040', '81026018', '81100012'];
const EXTENSION_VERSIONS = ['20278', '20283', '20291'];

export interface PickFn {
  <T>(items: readonly T[]): T;
}

/** A concrete client for a user on `os`; `pick` is the caller's seeded choice. */
export function makeClientTemplate(kind: ClientKind, os: OsFamily, pick: PickFn): ClientTemplate {
  const osInfo = OS[os];
  switch (kind) {
    case 'desktop': {
      const [platformName, platformVersion] = pick(DESKTOP[os].platforms);
      return {
        kind,
        app_name: DESKTOP[os].app,
        app_version: pick(APP_VERSIONS),
        platform_name: platformName,
        platform_version: platformVersion,
        os_name: osInfo.name,
        os_version: pick(osInfo.versions),
      };
    }
    case 'extension':
    case 'web': {
      const [browser, browserVersion] = pick(BROWSERS[os]);
      return {
        kind,
        app_name: kind === 'extension' ? '1Password Browser Extension' : '1Password for Web',
        app_version: kind === 'extension' ? pick(EXTENSION_VERSIONS) : '1642',
        platform_name: browser,
        platform_version: browserVersion,
        os_name: osInfo.name,
        os_version: pick(osInfo.versions),
      };
    }
    case 'mobile':
      return pick<ClientTemplate>([
        {
          kind,
          app_name: '1Password for iOS',
          app_version: pick(APP_VERSIONS),
          platform_name: 'iPhone',
          platform_version: pick(['iPhone15,2', 'iPhone14,5', 'iPhone16,1']),
          os_name: 'iOS',
          os_version: pick(['17.4.1', '17.5', '16.7.8']),
        },
        {
          kind,
          app_name: '1Password for Android',
          app_version: pick(APP_VERSIONS),
          platform_name: pick(['Google', 'samsung']),
          platform_version: pick(['Pixel 8', 'SM-S918B', 'Pixel 7a']),
          os_name: 'Android',
          os_version: pick(['14', '13']),
        },
      ]);
    case 'cli':
      return {
        kind,
        app_name: '1Password CLI',
        app_version: pick(['2260001', '2290000', '2300000']),
        platform_name: os === 'mac' ? 'arm64' : 'amd64',
        platform_version: '',
        os_name: os === 'windows' ? 'Windows' : osInfo.name,
        os_version: pick(osInfo.versions),
      };
  }
}

/** Attacker tooling: a browser on Linux or Windows the victim never used. */
export const ATTACKER_CLIENTS: readonly ClientTemplate[] = [
  {
    kind: 'web',
    app_name: '1Password for Web',
    app_version: '1642',
    platform_name: 'Firefox',
    platform_version: '115.0',
    os_name: 'Linux',
    os_version: 'Debian 12',
  },
  {
    kind: 'extension',
    app_name: '1Password Browser Extension',
    app_version: '20244',
    platform_name: 'Chrome',
    platform_version: '118.0.5993.70',
    os_name: 'Windows',
    os_version: '10.0.19045',
  },
];

// prettier-ignore
export const CONNECT_USER_AGENTS: readonly string[] = [
  '1Password Connect SDK Go/1.5.3',
  'connect-sdk-js/1.4.1 (node)',
  'connect-sdk-python/1.5.1',
  'Terraform/1.8.2 terraform-provider-onepassword/1.4.3',
  '1Password Kubernetes Operator/1.8.1',
  'Ansible onepassword.connect/2.2.4',
];

// prettier-ignore
export const CONNECT_TOKEN_NAMES: readonly string[] = [
  'ci-deploy', 'k8s-operator', 'terraform', 'backup-job', 'payments-api', 'reporting', 'ansible',
];

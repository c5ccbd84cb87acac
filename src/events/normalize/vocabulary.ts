// Known enumeration values (Events API 1.4.1 + 1.2.0, Connect 1.7.1), used only to recognise a
// stream by shape. Normalization never checks them: every enumeration is open.

export const ITEM_USAGE_ACTIONS: ReadonlySet<string> = new Set([
  'enter-item-edit-mode',
  'export',
  'fill',
  'other',
  'reveal',
  'secure-copy',
  'select-sso-provider',
  'server-create',
  'server-fetch',
  'server-update',
  'share',
]);

export const AUDIT_EVENT_ACTIONS: ReadonlySet<string> = new Set(
  (
    'activate addgsso begin beginr cancel cancelr changeks changela changemp changenm changesk ' +
    'chngasso chngdsso chngpsso complete completr convert create dealldev delete delgsso delshare ' +
    'deolddev detchild disblduo disblmfa disblsso dlgsess dvrfydmn enblduo enblmfa enblsso expire ' +
    'export grant hide join launchi leave musercom muserdec patch propose provsn prsndall purge ' +
    'rdmchild reactive reauth replace resendts revoke role sdvcsso sendpkg sendts share ssotknv ' +
    'suspend tdvcsso trename trevoke trvlaway trvlback tverify uisas unhide unknown unlink ' +
    'updatduo update updatea updatfw updatmfa upguest uvrfydmn verify view vrfydmn'
  ).split(' '),
);

export const SIGNIN_CATEGORIES: ReadonlySet<string> = new Set([
  'success',
  'credentials_failed',
  'mfa_failed',
  'sso_failed',
  'modern_version_failed',
  'firewall_failed',
  'firewall_reported_success',
]);

export const SIGNIN_TYPES: ReadonlySet<string> = new Set(
  (
    'all_blocked anonymous_blocked code_bad code_disabled code_timeout continent_blocked ' +
    'country_blocked credentials_ok duo_bad duo_disabled duo_native_bad duo_timeout federated ' +
    'ip_blocked mfa_missing mfa_ok modern_version_missing modern_version_old non_sso_user ' +
    'password_secret_bad platform_secret_bad platform_secret_disabled platform_secret_proxy ' +
    'service_account_sso_denied sso_user_mismatch totp_bad totp_disabled totp_timeout u2f_bad ' +
    'u2f_disabled u2f_timeout u2f_timout'
  ).split(' '),
);

export const CONNECT_ACTIONS: ReadonlySet<string> = new Set(['READ', 'CREATE', 'UPDATE', 'DELETE']);

import type { Maturity } from './baseline-statistics';
import { NO_ACCOUNT } from './baseline-snapshot';
import type {
  BaselineDetailDto,
  BaselineListItemDto,
  BaselinePageDto,
  BaselineSummaryDto,
  DeletedBaselineDto,
  MaturityDto,
} from './baselines.dto';
import type { BaselineProfile } from './baselines-query.repository';
import type { DeletedBaseline } from './baselines-retention.repository';
import type { BaselineDetail, BaselinePage } from './baselines.service';

const iso = (date: Date) => date.toISOString();

/** The summary's fields as a plain object, to spread into the DTOs that extend it. */
type SummaryFields = Pick<BaselineSummaryDto, keyof BaselineSummaryDto>;

export function toMaturityDto(maturity: Maturity): MaturityDto {
  return {
    state: maturity.state,
    reason: maturity.reason,
    daysObserved: maturity.daysObserved,
    matureAt: maturity.matureAt ? iso(maturity.matureAt) : null,
  };
}

export function toBaselineSummaryDto(profile: BaselineProfile, maturity: Maturity): SummaryFields {
  return {
    entityType: profile.entityType,
    entityId: profile.entityId,
    accountId: profile.accountId === NO_ACCOUNT ? null : profile.accountId,
    label: profile.label,
    firstEventAt: iso(profile.firstEventAt),
    lastEventAt: iso(profile.lastEventAt),
    activeDays: profile.activeDays,
    eventCount: profile.eventCount,
    successfulSignins: profile.successfulSignins,
    maturity: toMaturityDto(maturity),
  };
}

export function toBaselinePageDto(page: BaselinePage): BaselinePageDto {
  return {
    items: page.items.map((item): BaselineListItemDto => ({
      ...toBaselineSummaryDto(item, item.maturity),
      topCountries: item.topCountries.map(({ value, count }) => ({ value, count })),
    })),
    nextCursor: page.nextCursor,
  };
}

export function toBaselineDetailDto(detail: BaselineDetail): BaselineDetailDto {
  const location = detail.profile.lastLocation;
  return {
    ...toBaselineSummaryDto(detail.profile, detail.maturity),
    lastLocation: location
      ? {
          at: iso(location.at),
          latitude: location.latitude,
          longitude: location.longitude,
          country: location.country,
          city: location.city,
        }
      : null,
    window: {
      from: new Date(detail.window.from).toISOString(),
      to: new Date(detail.window.to).toISOString(),
      hours: detail.window.hours,
    },
    actionRates: detail.rates.map((rate) => ({
      action: rate.action,
      total: rate.total,
      meanPerHour: rate.meanPerHour,
      hourOfWeek: rate.cells.map((cell) => ({ ...cell })),
    })),
    seen: detail.seen.map((dimension) => ({
      dimension: dimension.dimension,
      total: dimension.total,
      truncated: dimension.total > dimension.values.length,
      values: dimension.values.map((value) => ({
        value: value.value,
        firstSeen: iso(value.firstSeen),
        lastSeen: iso(value.lastSeen),
        count: value.count,
      })),
    })),
  };
}

export function toDeletedBaselineDto(
  profile: BaselineProfile,
  deleted: DeletedBaseline,
): DeletedBaselineDto {
  return {
    entityType: profile.entityType,
    entityId: profile.entityId,
    accountId: profile.accountId === NO_ACCOUNT ? null : profile.accountId,
    deleted: { ...deleted },
  };
}

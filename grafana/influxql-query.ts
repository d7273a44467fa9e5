/**
 * The InfluxDB (InfluxQL) query target for Grafana panels and variables. The foundation SDK ships
 * builders for core data sources but not for InfluxDB, so this is its documented extension point: a
 * Dataquery variant plus a Builder, used by the SDK panel builders like any other query.
 */
import type { Builder, Dataquery } from '@grafana/grafana-foundation-sdk/cog';
import type { DataSourceRef } from '@grafana/grafana-foundation-sdk/common';

export interface InfluxqlQuery {
  refId?: string;
  hide?: boolean;
  datasource?: DataSourceRef;
  /** Raw InfluxQL; may use Grafana's `$timeFilter`, `$__interval` and dashboard variables. */
  query: string;
  rawQuery: true;
  resultFormat: 'time_series' | 'table';
  /** Legend text, e.g. `$tag_node`. */
  alias?: string;
  _implementsDataqueryVariant(): void;
}

export class InfluxqlQueryBuilder implements Builder<Dataquery> {
  private readonly internal: InfluxqlQuery;

  constructor(query: string) {
    this.internal = {
      query,
      rawQuery: true,
      resultFormat: 'time_series',
      _implementsDataqueryVariant() {},
    };
  }

  build(): InfluxqlQuery {
    return this.internal;
  }

  refId(refId: string): this {
    this.internal.refId = refId;
    return this;
  }

  datasource(ref: DataSourceRef): this {
    this.internal.datasource = ref;
    return this;
  }

  alias(alias: string): this {
    this.internal.alias = alias;
    return this;
  }

  asTable(): this {
    this.internal.resultFormat = 'table';
    return this;
  }
}

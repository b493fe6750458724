/**
 * The single table, as data: the local stack creates it from this, the infrastructure code (CDK) declares
 * it from this, and the adapters build their expressions from these names. One source of truth.
 */
export const tableDefinition = {
  partitionKey: 'info_type',
  sortKey: 'date',
  attributes: {
    value: 'value',
    status: 'status',
    retryCount: 'retry_count',
    lastError: 'last_error',
    updatedAt: 'updated_at',
    source: 'source',
    retryShard: 'retry_shard',
    retryDue: 'retry_due',
    quarantineShard: 'quarantine_shard',
    quarantineKey: 'quarantine_key',
    expiresAt: 'expires_at',
    /** Attempts made on a date in this release cycle (the work ledger's counter; absent on old items). */
    attempts: 'attempts',
    /** The delivery that made the latest claim on a date, so a claim whose answer was lost is its own. */
    claimToken: 'claim_token',
    /** The attempts of this release cycle whose answer had no row for the date (a number set; see ABSENT). */
    absentAttempts: 'absent_attempts',
    /** Lease items: their id, last date, first-request count and the delivery that claimed it. */
    leaseId: 'lease_id',
    lastDate: 'last',
    asks: 'asks',
    askToken: 'ask_token',
    /** Watermark items: the date through which every expected date of the series had an item (ISO). */
    through: 'through',
  },
  /** Partition prefix of the leases of work in flight (`LEASE#<series>`). */
  leasePrefix: 'LEASE#',
  /**
   * The one partition of every series' watermark (`date` = the series' `info_type`), so a run reads them all
   * in one paginated Query. `META#` is reserved in the catalog: no series can be named so.
   */
  watermarkPartition: 'META#WATERMARK',
  /** Items that need attention are spread over this many index partitions (see `shardOf`). */
  shardCount: 8,
  indexes: {
    /** Sparse: only PENDING and RETRY items, and leases (status `LEASE`), carry `retry_shard`/`retry_due`. */
    retryDue: {
      name: 'retry-due',
      partitionKey: 'retry_shard',
      sortKey: 'retry_due',
      nonKeyAttributes: ['status', 'retry_count', 'last_error'],
    },
    /** Sparse: only QUARANTINED and ABSENT items carry `quarantine_shard`/`quarantine_key`. */
    quarantined: {
      name: 'quarantined',
      partitionKey: 'quarantine_shard',
      sortKey: 'quarantine_key',
      nonKeyAttributes: ['status', 'retry_count', 'last_error', 'updated_at'],
    },
  },
  /** TTL attribute: only the `CLAIM#` items of tables before the work ledger carry it; series items never do. */
  timeToLiveAttribute: 'expires_at',
} as const;

export type TableDefinition = typeof tableDefinition;

// The cost model: dated price tables per region, and usage counted by the local stack turned into dollars.
export { priceUsage, billedQuantities, bytesPerGb } from './priceUsage.js';
export type { BilledQuantities } from './priceUsage.js';
export { loadPriceTable, priceRegions, checkPriceTable, tableAgeDays, unitPrice } from './priceTable.js';
export type { PriceTable, PriceFigure, FigureKey } from './priceTable.js';
export { deployment, daysPerMonth, hoursPerMonth } from './deployment.js';
export type { Deployment } from './deployment.js';
export { billedMs, gbSeconds } from './lambdaBilling.js';
export { billedSqsRequests } from './sqsBilling.js';
export { platformLogBytes } from './platformLog.js';
export { serviceNames, roundUsd } from './costEstimate.js';
export type { CostEstimate, ServiceCost, CostLine, FreeTierView, ServiceName } from './costEstimate.js';
export { formatCost, formatUsd } from './formatCost.js';
export { emptyUsage } from './usage.js';
export type {
  RunUsage,
  FunctionUsage,
  DynamoUsage,
  SqsUsage,
  LogUsage,
  MetricUsage,
  S3Usage,
} from './usage.js';
export { CostError, PriceTableError, UsageError } from './errors.js';

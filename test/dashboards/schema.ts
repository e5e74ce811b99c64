import { z } from 'zod';

/**
 * The essentials of Grafana's dashboard JSON model (grafana/grafana `kinds/dashboard`, schema
 * version 39): what provisioning needs to load a dashboard and a panel needs to run its query.
 */
const DatasourceRef = z.object({ type: z.string().min(1), uid: z.string().min(1) });
const Target = z.object({ refId: z.string().min(1), datasource: DatasourceRef, rawSql: z.string().min(1) }).passthrough();
const Panel = z
  .object({
    id: z.number().int().positive(),
    type: z.enum(['stat', 'timeseries', 'table', 'barchart', 'bargauge', 'gauge', 'piechart', 'text']),
    title: z.string().min(1),
    datasource: DatasourceRef,
    gridPos: z.object({ x: z.number().int().min(0).max(23), y: z.number().int().min(0), w: z.number().int().min(1).max(24), h: z.number().int().min(1) }),
    targets: z.array(Target).min(1),
    fieldConfig: z.object({ defaults: z.object({}).passthrough(), overrides: z.array(z.unknown()) }),
    options: z.object({}).passthrough(),
  })
  .passthrough();
const Variable = z.object({ name: z.string().regex(/^\w+$/), type: z.enum(['query', 'custom', 'constant', 'textbox']), query: z.string().min(1) }).passthrough();

export const DashboardSchema = z
  .object({
    uid: z.string().regex(/^[\w-]{1,40}$/),
    title: z.string().min(1),
    schemaVersion: z.number().int().min(36),
    version: z.number().int(),
    editable: z.boolean(),
    time: z.object({ from: z.string(), to: z.string() }),
    panels: z.array(Panel).min(1),
    templating: z.object({ list: z.array(Variable) }),
    annotations: z.object({ list: z.array(z.unknown()) }),
  })
  .passthrough();
export type Dashboard = z.infer<typeof DashboardSchema>;

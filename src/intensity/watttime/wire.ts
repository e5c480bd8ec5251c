import { z } from "zod";

/** Response shapes of WattTime API v3, checked where our numbers depend on them. Unknown keys are ignored. */

export const LoginResponse = z.object({ token: z.string().min(1) });

export const MyAccessResponse = z.object({
  signal_types: z.array(
    z.object({
      signal_type: z.string(),
      regions: z.array(
        z.object({
          region: z.string(),
          endpoints: z.array(z.object({ endpoint: z.string() })).default([]),
        }),
      ),
    }),
  ),
});
export type MyAccessResponse = z.infer<typeof MyAccessResponse>;

export const RegionFromLocResponse = z.object({ region: z.string().min(1) });

const isoWithZone = z
  .string()
  .refine((s) => /(Z|[+-]\d{2}:?\d{2})$/.test(s) && !Number.isNaN(Date.parse(s)), "a timezone-aware ISO time");

const Warning = z.union([z.string(), z.object({ type: z.string().optional(), message: z.string().optional() }).passthrough()]);

/** /v3/historical and /v3/forecast share this shape. */
export const SignalDataResponse = z.object({
  data: z.array(z.object({ point_time: isoWithZone, value: z.number().finite() })),
  meta: z.object({
    units: z.string(),
    data_point_period_seconds: z.number().int().positive(),
    warnings: z.array(Warning).nullish(),
  }),
});
export type SignalDataResponse = z.infer<typeof SignalDataResponse>;

export const MOER_UNITS = "lbs_co2_per_mwh";

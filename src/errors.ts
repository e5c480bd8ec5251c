/** Exit codes are a contract with schedulers: see ARCHITECTURE.md "Exit codes". */
export const ExitCode = {
  ok: 0,
  error: 1,
  usage: 2,
  partial: 3,
  budgetExceeded: 4,
  /** The shell's convention for a run stopped by SIGINT (128 + 2). */
  interrupted: 130,
} as const;
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/** An error meant for a person: one line, and the exit code it maps to. */
export class CarbonTrackError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCodeValue,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** Bad arguments, config or input: found before anything is created. */
export class UsageError extends CarbonTrackError {
  constructor(message: string) {
    super(message, ExitCode.usage);
  }
}

/** One provider (a billing source or an intensity signal) failed; the rest of the run goes on. */
export class ProviderError extends CarbonTrackError {
  constructor(
    readonly provider: string,
    message: string,
  ) {
    super(`${provider}: ${message}`, ExitCode.error);
  }
}

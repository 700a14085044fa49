export interface Project {
  config: string;
  dir: string;
  rootDir: string;
  outDir: string;
  buildInfo: string;
  /** false for a solution file (`"files": []`) that only lists references. */
  hasSources: boolean;
  /** Whether every source must have an output; off when the config excludes files. */
  checksOutputs: boolean;
}

export interface BuildState {
  upToDate: boolean;
  /** The first reason to build, and how many more there are. */
  reason: string;
  /** tsbuildinfo files to delete before building: their projects' outputs are missing. */
  forget: string[];
}

export interface TscCommand {
  command: string;
  args: string[];
}

export function listProjects(configPath: string): Project[];
export function buildState(root: string, configPath?: string): BuildState;
export function runBuild(root: string, options?: { config?: string; tsc?: TscCommand }): Promise<{ ok: boolean; output: string }>;
export function ensureBuilt(root: string, options?: { log?: (line: string) => void; config?: string; tsc?: TscCommand }): Promise<boolean>;

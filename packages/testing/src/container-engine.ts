/**
 * Whether a container engine answers, asked once per process. Suites that need KurrentDB or
 * MongoDB use it to skip, with a visible message, where none runs.
 */
let answer: Promise<boolean> | undefined;

export function containerEngineAvailable(): Promise<boolean> {
  answer ??= (async () => {
    try {
      const { getContainerRuntimeClient } = await import('testcontainers');
      await getContainerRuntimeClient();
      return true;
    } catch {
      return false;
    }
  })();
  return answer;
}

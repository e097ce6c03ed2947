// Placeholder until the local cloud lands: integration tests start the emulators here once per run.
export default async function setup(): Promise<void> {}

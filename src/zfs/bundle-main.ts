export async function runTsmfBundle(_argv: string[], _env: NodeJS.ProcessEnv): Promise<number> { return 2; }

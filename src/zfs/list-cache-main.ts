export async function runListCache(_argv: string[], _env: NodeJS.ProcessEnv): Promise<number> { return 2; }

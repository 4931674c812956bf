// Listener registry shared by the contract backends; events are delivered on a later tick so
// that a method outcome resolved in the same tick is always seen first.
import type { ContractEvent } from '../../ports/process.js';

export class ContractEvents {
  private readonly listeners = new Set<(ev: ContractEvent) => void>();

  onEvent(listener: (ev: ContractEvent) => void): () => void {
    this.listeners.add(listener);
    return () => { this.listeners.delete(listener); };
  }

  protected emit(ev: ContractEvent): void {
    setImmediate(() => {
      for (const l of [...this.listeners]) l(ev);
    });
  }
}

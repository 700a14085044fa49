import type { Context } from '@opentelemetry/api';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace-base';

/**
 * The one processor the shared provider is built with. SDK 2 providers take their processors at
 * construction only, so services that join an already registered provider add theirs here.
 */
export class FanOutSpanProcessor implements SpanProcessor {
  private processors: SpanProcessor[] = [];

  /** Whether any processor takes spans: without one, recording them is work nobody reads. */
  get observed(): boolean {
    return this.processors.length > 0;
  }

  add(processors: readonly SpanProcessor[]): void {
    this.processors = [...this.processors, ...processors];
  }

  remove(processors: readonly SpanProcessor[]): void {
    this.processors = this.processors.filter((p) => !processors.includes(p));
  }

  onStart(span: Span, parentContext: Context): void {
    for (const p of this.processors) p.onStart(span, parentContext);
  }

  onEnd(span: ReadableSpan): void {
    for (const p of this.processors) p.onEnd(span);
  }

  async forceFlush(): Promise<void> {
    await Promise.all(this.processors.map((p) => p.forceFlush()));
  }

  async shutdown(): Promise<void> {
    const processors = this.processors;
    this.processors = [];
    await Promise.all(processors.map((p) => p.shutdown()));
  }
}

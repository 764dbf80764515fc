import type { StreamEvent, Usage } from '../core/index.js';

/**
 * Watches a stream go by and remembers what billing needs: the upstream's usage if it sends
 * one, otherwise the generated text (to count with a tokenizer), and when the first token came.
 */
export class StreamMeter {
  private upstreamUsage: Usage | null = null;
  private generated: string[] = [];
  firstTokenAt: number | null = null;
  producedOutput = false;
  error: Extract<StreamEvent, { type: 'error' }> | null = null;
  finishReason: string | null = null;

  constructor(private readonly now: () => number) {}

  observe(event: StreamEvent): void {
    switch (event.type) {
      case 'text-delta':
      case 'reasoning-delta':
      case 'refusal-delta':
        this.markOutput();
        this.generated.push(event.text);
        break;
      case 'tool-call-start':
        this.markOutput();
        this.generated.push(event.name);
        break;
      case 'tool-call-delta':
        this.markOutput();
        this.generated.push(event.argumentsDelta);
        break;
      case 'usage':
        this.upstreamUsage = event.usage;
        // The text is no longer needed for an estimate.
        this.generated = [];
        break;
      case 'finish':
        this.finishReason = event.finishReason.unified;
        break;
      case 'error':
        this.error = event;
        break;
      default:
        break;
    }
  }

  usage(): Usage | null {
    return this.upstreamUsage;
  }

  generatedText(): string {
    return this.generated.join('');
  }

  private markOutput(): void {
    if (this.firstTokenAt === null) this.firstTokenAt = this.now();
    this.producedOutput = true;
  }
}

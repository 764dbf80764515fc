/**
 * Who made a model. A creator is named by the provider id of its own API when the sources list one
 * (`openai`, `anthropic`, `google`, `llama` for Meta, `alibaba` for Qwen, `zai` for Zhipu/GLM,
 * `amazon-bedrock` for Amazon's Nova), otherwise by the vendor word its ids carry
 * (`microsoft`, `nousresearch`).
 */

/** Vendor words in ids (`meta-llama/…`, `anthropic.…`) → creator. */
const VENDOR_CREATORS: Record<string, string> = {
  openai: 'openai',
  anthropic: 'anthropic',
  google: 'google',
  gemini: 'google',
  meta: 'llama',
  'meta-llama': 'llama',
  facebook: 'llama',
  llama: 'llama',
  qwen: 'alibaba',
  alibaba: 'alibaba',
  'alibaba-nlp': 'alibaba',
  wanx: 'alibaba',
  'zai-org': 'zai',
  'z-ai': 'zai',
  zai: 'zai',
  thudm: 'zai',
  zhipuai: 'zai',
  moonshotai: 'moonshotai',
  moonshot: 'moonshotai',
  kimi: 'moonshotai',
  deepseek: 'deepseek',
  'deepseek-ai': 'deepseek',
  mistralai: 'mistral',
  mistral: 'mistral',
  'mistral-ai': 'mistral',
  'x-ai': 'xai',
  xai: 'xai',
  grok: 'xai',
  minimax: 'minimax',
  minimaxai: 'minimax',
  cohere: 'cohere',
  coherelabs: 'cohere',
  amazon: 'amazon-bedrock',
  xiaomi: 'xiaomi',
  xiaomimimo: 'xiaomi',
  perplexity: 'perplexity',
  stepfun: 'stepfun',
  'stepfun-ai': 'stepfun',
  upstage: 'upstage',
  inception: 'inception',
  sarvam: 'sarvam',
  sarvamai: 'sarvam',
  poolside: 'poolside',
  morph: 'morph',
  nvidia: 'nvidia',
  inclusionai: 'bailing',
  sakana: 'sakana',
  'bytedance-seed': 'bytedance',
  'ibm-granite': 'ibm',
  bfl: 'black-forest-labs',
  'ai21-labs': 'ai21',
  'arcee_ai': 'arcee-ai',
};

/** Providers that sell only their creator's own models (their bare ids are the creator's ids). */
const OWN_MODELS_PROVIDERS: Record<string, string> = {
  openai: 'openai',
  anthropic: 'anthropic',
  google: 'google',
  mistral: 'mistral',
  deepseek: 'deepseek',
  xai: 'xai',
  llama: 'llama',
  alibaba: 'alibaba',
  moonshotai: 'moonshotai',
  'moonshotai-cn': 'moonshotai',
  'kimi-for-coding': 'moonshotai',
  zai: 'zai',
  zhipuai: 'zai',
  cohere: 'cohere',
  nova: 'amazon-bedrock',
  minimax: 'minimax',
  'minimax-cn': 'minimax',
  xiaomi: 'xiaomi',
  perplexity: 'perplexity',
  stepfun: 'stepfun',
  upstage: 'upstage',
  inception: 'inception',
  sarvam: 'sarvam',
  poolside: 'poolside',
  morph: 'morph',
  sakana: 'sakana',
  bailing: 'bailing',
  lucidquery: 'lucidquery',
};

/**
 * The creator's own providers, main one first: the first one that prices a model gives its
 * official price. A model is "first-party" on any of them.
 */
const CREATOR_PROVIDERS: Record<string, string[]> = {
  google: ['google', 'google-vertex'],
  alibaba: ['alibaba', 'alibaba-cn', 'alibaba-coding-plan', 'alibaba-coding-plan-cn', 'alibaba-token-plan', 'alibaba-token-plan-cn'],
  moonshotai: ['moonshotai', 'moonshotai-cn', 'kimi-for-coding'],
  zai: ['zai', 'zhipuai', 'zai-coding-plan', 'zhipuai-coding-plan'],
  'amazon-bedrock': ['amazon-bedrock', 'nova'],
  minimax: ['minimax', 'minimax-cn', 'minimax-coding-plan', 'minimax-cn-coding-plan'],
  xiaomi: ['xiaomi', 'xiaomi-token-plan-ams', 'xiaomi-token-plan-cn', 'xiaomi-token-plan-sgp'],
  stepfun: ['stepfun', 'stepfun-ai'],
};

/** Name beginnings (of the normalised key) → creator, tried in order. */
const NAME_CREATORS: Array<[RegExp, string]> = [
  [/^(gpt|chatgpt|o\d|dall-e|whisper|tts-\d|text-embedding-(3|ada)|sora|davinci|babbage|omni-moderation|codex)/, 'openai'],
  [/^claude/, 'anthropic'],
  [/^(gemini|gemma|imagen|veo-|lyria|learnlm|nano-banana)/, 'google'],
  [/^deepseek/, 'deepseek'],
  [/^(llama|meta-llama)/, 'llama'],
  [/^(qwen|qwq|qvq)/, 'alibaba'],
  [/^(glm|chatglm|cogview)/, 'zai'],
  [/^(kimi|moonshot)/, 'moonshotai'],
  [/^(mistral|mixtral|codestral|devstral|ministral|magistral|pixtral|voxtral|open-mistral|open-mixtral)/, 'mistral'],
  [/^grok/, 'xai'],
  [/^minimax/, 'minimax'],
  [/^mimo/, 'xiaomi'],
  [/^nova-/, 'amazon-bedrock'],
  [/^(command|c4ai|aya-|cohere|embed-(english|multilingual|v4))/, 'cohere'],
  [/^sonar/, 'perplexity'],
  [/^step-/, 'stepfun'],
  [/^solar/, 'upstage'],
  [/^mercury/, 'inception'],
  [/^(nemotron|llama-\d.*nemotron)/, 'nvidia'],
  [/^phi-/, 'microsoft'],
  [/^ernie/, 'baidu'],
  [/^hunyuan/, 'tencent'],
  [/^(seed-|doubao|seedream|seedance)/, 'bytedance'],
  [/^(ling-|ring-)/, 'bailing'],
  [/^jamba/, 'ai21'],
  [/^granite/, 'ibm'],
  [/^flux/, 'black-forest-labs'],
  [/^(arcee|trinity)/, 'arcee-ai'],
];

/** Creator implied by a vendor word, if it is a known one. */
export function creatorOfVendor(vendor: string | null): string | null {
  if (vendor === null) return null;
  return VENDOR_CREATORS[vendor] ?? null;
}

/** The creator whose models a provider sells exclusively, if it is such a provider. */
export function creatorOfOwnModelsProvider(providerId: string): string | null {
  return OWN_MODELS_PROVIDERS[providerId] ?? null;
}

/** Creator guessed from the model's name. */
export function creatorOfName(key: string): string | null {
  for (const [pattern, creator] of NAME_CREATORS) {
    if (pattern.test(key)) return creator;
  }
  return null;
}

/** The creator's own providers, main one first (the creator id itself when it runs an API). */
export function providersOfCreator(creator: string): string[] {
  return CREATOR_PROVIDERS[creator] ?? [creator];
}

export function isCreatorProvider(creator: string, providerId: string): boolean {
  return providersOfCreator(creator).includes(providerId);
}

/** Words that may precede a model name (`openai-gpt-4o`): every known vendor word and creator. */
export function vendorWords(): Set<string> {
  return new Set([...Object.keys(VENDOR_CREATORS), ...Object.values(VENDOR_CREATORS)]);
}

/** model-eol publishers → creator. */
export function creatorOfPublisher(publisher: string): string {
  return publisher === 'amazon' ? 'amazon-bedrock' : publisher;
}

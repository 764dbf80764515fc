import OpenAI from 'openai';

/** The error an SDK call failed with; fails the test when the call succeeded instead. */
export async function rejectionOf(call: Promise<unknown>): Promise<InstanceType<typeof OpenAI.APIError>> {
  try {
    await call;
  } catch (error) {
    return error as InstanceType<typeof OpenAI.APIError>;
  }
  throw new Error('expected the request to fail, but it succeeded');
}

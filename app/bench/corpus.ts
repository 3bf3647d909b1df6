/** Deterministic synthetic conversations: topics with their own favourite words over a shared vocabulary. */

/** mulberry32: small, fast, seedable. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Common English words, so messages tokenize like real chat (≈1.3 tokens per word). */
const WORDS = (
  "time year people way day man thing woman life child world school state family student group country " +
  "problem hand part place case week company system program question work government number night point " +
  "home water room mother area money story fact month lot right study book eye job word business issue " +
  "side kind head house service friend father power hour game line end member law car city community " +
  "name president team minute idea kid body information back parent face others level office door " +
  "health person art war history party result change morning reason research girl guy moment air " +
  "teacher force education foot boy age policy music market sense nation plan college interest death " +
  "experience effect use class control care field development role effort rate heart drug show leader " +
  "light voice wife police mind price report decision son view relationship town road arm difference " +
  "value building action model season society tax director position player record paper space ground " +
  "form event official matter center couple site project activity star table need court oil situation " +
  "cost industry figure street image phone data picture practice piece land product doctor wall patient " +
  "worker news test movie north love support technology step baby computer type attention film tree " +
  "source organization hair window evidence population skill agency deploy server cluster database " +
  "query index cache latency request response error timeout memory disk network packet router switch " +
  "kernel thread process container registry secret token key certificate backup restore replica primary " +
  "failover upgrade migration schema column vector embedding search answer prompt budget invoice refund " +
  "payment card account login password email message channel ticket incident alert dashboard metric " +
  "trace log span queue schedule cron release version branch commit merge review pipeline build " +
  "artifact region zone bucket object file folder upload download stream video audio recipe pasta sauce " +
  "cheese garden flower travel train flight hotel museum beach mountain river lake weather rain snow " +
  "summer winter coffee tea bread shop "
)
  .trim()
  .split(" ");

function pick(count: number, random: () => number): string[] {
  const out = new Set<string>();
  while (out.size < count) out.add(WORDS[Math.floor(random() * WORDS.length)]!);
  return [...out];
}

export interface Corpus {
  /** `length` words, `topicShare` of them from the topic's own words. */
  sentence(topic: number, length: number, topicShare?: number): string;
  topics: number;
  random: () => number;
}

export function corpus(seed = 42, topics = 200): Corpus {
  const random = rng(seed);
  const common = WORDS;
  // Each topic favours its own 12 rarer words (compounds such as "cachetoken"), so conversations
  // cluster the way real ones do and keyword matches are selective, as in a real vocabulary.
  const topicWords = Array.from({ length: topics }, () =>
    Array.from({ length: 12 }, () => pick(2, random).join("")),
  );
  return {
    topics,
    random,
    sentence(topic, length) {
      const vocab = topicWords[topic]!;
      return Array.from({ length }, () =>
        random() < 0.6
          ? vocab[Math.floor(random() * vocab.length)]
          : common[Math.floor(random() * common.length)],
      ).join(" ");
    },
  };
}

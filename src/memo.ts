/** `make(key)`, computed once per key object and kept as long as the key lives. */
export function onePer<K extends object, V>(make: (key: K) => V): (key: K) => V {
  const cache = new WeakMap<K, V>();
  return (key) => {
    let value = cache.get(key);
    if (value === undefined) {
      value = make(key);
      cache.set(key, value);
    }
    return value;
  };
}

/** `make()`, computed on first use and kept: for what only some requests need, built after startup. */
export function once<V>(make: () => V): () => V {
  let made: { value: V } | null = null;
  return () => (made ??= { value: make() }).value;
}

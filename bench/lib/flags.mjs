/** The value of `--name=value` among a mode's flags, as text; undefined when absent. */
export const flagValue = (flags, name) =>
  [...flags].find((f) => f.startsWith(`--${name}=`))?.slice(`--${name}=`.length);

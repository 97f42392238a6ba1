/**
 * Image recipes as data: what the offline builder (debootstrap) puts into each sandbox image. Debian packages
 * only, because the only reachable registry besides npm is Debian's mirror.
 */

export interface ImageRecipe {
  /** Short name; the Docker tag is `scientist/<name>:latest`, the rootfs lives in `<cacheDir>/images/<name>`. */
  readonly name: string;
  readonly description: string;
  readonly suite: string;
  readonly variant: "minbase";
  /** Debian packages added on top of minbase (Depends are resolved, Recommends are not). */
  readonly packages: readonly string[];
}

const pythonMl = {
  name: "python-ml",
  description: "Python 3 with numpy, scipy and matplotlib (Agg backend) for CPU experiments",
  suite: "bookworm",
  variant: "minbase",
  packages: ["python3", "python3-numpy", "python3-scipy", "python3-matplotlib"],
} as const satisfies ImageRecipe;

const pythonTorch = {
  name: "python-torch",
  description: "python-ml plus PyTorch (CPU build from Debian)",
  suite: "bookworm",
  variant: "minbase",
  packages: [...pythonMl.packages, "python3-torch"],
} as const satisfies ImageRecipe;

const latex = {
  name: "latex",
  description: "TeX Live (base, recommended, extra, recommended fonts) with latexmk and chktex, to compile model-written papers",
  suite: "bookworm",
  variant: "minbase",
  // texlive-fonts-recommended carries Times (ptm), which the seed's template.tex loads with \usepackage{times}.
  packages: ["texlive-latex-base", "texlive-latex-recommended", "texlive-latex-extra", "texlive-fonts-recommended", "latexmk", "chktex"],
} as const satisfies ImageRecipe;

export const imageRecipes: ReadonlyMap<string, ImageRecipe> = new Map(
  [pythonMl, pythonTorch, latex].map((recipe) => [recipe.name, recipe]),
);

export const imageRepository = "scientist";

export function imageTag(name: string): string {
  return `${imageRepository}/${name}:latest`;
}

/**
 * Maps what a caller writes (`python-ml`, `scientist/python-ml`, `scientist/python-ml:latest`) to the recipe it
 * names, if any; any other image reference is used as given and has no recipe.
 */
export function resolveImageName(image: string): { reference: string; recipe: ImageRecipe | null } {
  const bare = image.startsWith(`${imageRepository}/`) ? image.slice(imageRepository.length + 1) : image;
  const [name, tag] = bare.split(":");
  const recipe = name !== undefined && (tag === undefined || tag === "latest") ? imageRecipes.get(name) : undefined;
  if (recipe !== undefined) return { reference: imageTag(recipe.name), recipe };
  return { reference: image, recipe: null };
}

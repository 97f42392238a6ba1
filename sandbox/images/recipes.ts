/**
 * Image recipes as data: what the offline builder (debootstrap) puts into each sandbox image. Debian packages
 * only, because the only reachable registry besides npm is Debian's mirror.
 */
import type { NewerSuitePackages } from "./newer-suite-packages.ts";

export interface ImageRecipe {
  /** Short name; the Docker tag is `scientist/<name>:latest`, the rootfs lives in `<cacheDir>/images/<name>`. */
  readonly name: string;
  readonly description: string;
  readonly suite: string;
  readonly variant: "minbase";
  /** Debian packages added on top of minbase (Depends are resolved, Recommends are not). */
  readonly packages: readonly string[];
  /**
   * Architecture-independent packages the suite lacks, taken from a newer Debian suite (see newer-suite-packages.ts).
   */
  readonly fromNewerSuite?: NewerSuitePackages;
}

const pythonMl = {
  name: "python-ml",
  description: "Python 3 with numpy, scipy and matplotlib (Agg backend) for CPU experiments",
  suite: "bookworm",
  variant: "minbase",
  packages: ["python3", "python3-numpy", "python3-scipy", "python3-matplotlib"],
} as const satisfies ImageRecipe;

// What the original's templates import (grokking: torch; earthquake-prediction: torch, sklearn), from Debian.
// einops (grokking) has no bookworm package: trixie's python3-einops is pure Python (Depends: python3:any).
const pythonTorch = {
  name: "python-torch",
  description: "python-ml plus PyTorch and torchvision (CPU builds from Debian), pandas, scikit-learn and tqdm",
  suite: "bookworm",
  variant: "minbase",
  packages: [
    ...pythonMl.packages,
    "python3-torch",
    "python3-torchvision",
    "python3-pandas",
    "python3-sklearn",
    "python3-tqdm",
  ],
  fromNewerSuite: { suite: "trixie", packages: ["python3-einops"] },
} as const satisfies ImageRecipe;

const latex = {
  name: "latex",
  description:
    "TeX Live (base, recommended, extra, science, recommended fonts) with latexmk, chktex and pdftotext, to compile papers",
  suite: "bookworm",
  variant: "minbase",
  // Every \usepackage of the original's template.tex files: texlive-fonts-recommended carries Times (ptm),
  // texlive-science algorithm/algorithmicx/algpseudocode; poppler-utils' pdftotext gives reviewers the PDF's text.
  packages: [
    "texlive-latex-base",
    "texlive-latex-recommended",
    "texlive-latex-extra",
    "texlive-science",
    "texlive-fonts-recommended",
    "latexmk",
    "chktex",
    "poppler-utils",
  ],
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

"""Pure form logic (no Textual): which questions a visit form asks (`plan`) and the second tier of
input checks (`plausible`). The screens and widgets draw what these modules decide."""

"""The seed generator's family of formats (v1, and v2 which adds multinode entries): their model,
selections and rows, shared by `formats/v1` and `formats/v2`, each of which declares its
own key orders, options and policies."""

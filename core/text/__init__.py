"""Chinese text: jieba segmentation with the domain dictionary and synonyms (``segmentation``), and the
search built on it (``search``): weighted search vectors and the one ranked search every list uses."""

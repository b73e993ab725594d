"""A meeting's minutes and resolution: who reads them (selectors), their register numbers
(services), the .docx and PDF (build, in the Party's format: layout) and their downloads (views,
urls)."""

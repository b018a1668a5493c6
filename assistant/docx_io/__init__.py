"""Reading and writing .docx: the 申报书 layout in, the 附件2/附件3 layout out."""

// A select that depends on another: <select data-filter-by="id_field"> offers only the options
// whose data-field matches the value chosen in #id_field (options without data-field, like the
// empty one, always stay). The server checks the same; this only spares a wrong choice.
(() => {
  const setUp = (select) => {
    const source = document.getElementById(select.dataset.filterBy);
    if (!source) return;
    const options = Array.from(select.options);
    const fits = (option) => !option.dataset.field || option.dataset.field === source.value;
    const apply = () => {
      const current = select.value;
      const kept = options.filter(fits);
      select.replaceChildren(...kept);
      select.value = kept.some((option) => option.value === current) ? current : "";
    };
    source.addEventListener("change", apply);
    apply();
  };
  document.querySelectorAll("select[data-filter-by]").forEach(setUp);
})();

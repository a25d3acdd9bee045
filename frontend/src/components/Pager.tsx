import { useTranslation } from "react-i18next";

interface Props {
  page: number;
  hasNext: boolean;
  onPage: (page: number) => void;
}

/** Previous / next through a list the API or the screen pages. */
export function Pager({ page, hasNext, onPage }: Props) {
  const { t } = useTranslation();
  if (page === 0 && !hasNext) return null;
  return (
    <nav className="pager" aria-label={t("pager.label")}>
      <button type="button" disabled={page === 0} onClick={() => { onPage(page - 1); }}>
        {t("pager.previous")}
      </button>
      <span aria-live="polite">{t("pager.page", { page: page + 1 })}</span>
      <button type="button" disabled={!hasNext} onClick={() => { onPage(page + 1); }}>
        {t("pager.next")}
      </button>
    </nav>
  );
}
